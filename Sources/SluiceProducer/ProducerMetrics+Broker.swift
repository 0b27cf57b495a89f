import Prometheus
import SluiceObservability

/// The request metrics of one destination broker, labelled `broker` (its node id), created once by
/// ``ProducerMetrics/broker(_:)`` and kept by the sender's connection to that broker.
public final class ProducerBrokerMetrics: Sendable {
    /// The broker node id (the `broker` label). Kafka gives bootstrap-only connections negative ids; those
    /// are allowed and labelled as such.
    public let brokerID: Int32

    let requestLatency: DurationHistogram
    let inFlightRequests: Gauge

    /// False when the owning `ProducerMetrics` does not record (metrics off): setters return at once.
    let isRecording: Bool

    init(registry: PrometheusCollectorRegistry, brokerID: Int32, recording: Bool = true) {
        self.isRecording = recording
        self.brokerID = brokerID
        let labels = [String(brokerID)]
        self.requestLatency = registry.makeDurationHistogram(.producerRequestLatency, labelValues: labels)
        self.inFlightRequests = registry.makeGauge(.producerInFlightRequests, labelValues: labels)
    }

    /// A produce request was written to the broker: `sluice_producer_in_flight_requests{broker}` goes up by
    /// one. Pair every call with ``requestCompleted(latency:)`` or ``requestAbandoned()``.
    public func requestSent() {
        guard isRecording else { return }
        inFlightRequests.increment(by: 1)
    }

    /// The broker answered a produce request `latency` after it was written:
    /// `sluice_producer_request_latency_seconds{broker}` observes it and the in-flight gauge goes down by one.
    public func requestCompleted(latency: Duration) {
        guard isRecording else { return }
        requestLatency.record(max(latency, .zero))
        inFlightRequests.decrement(by: 1)
    }

    /// A request in flight got no answer (timed out after `request.timeout.ms`, connection lost, acks=0
    /// write finished): the in-flight gauge goes down by one and no latency is observed.
    public func requestAbandoned() {
        guard isRecording else { return }
        inFlightRequests.decrement(by: 1)
    }

    /// `sluice_producer_in_flight_requests{broker}`: for an owner that counts its in-flight requests itself;
    /// do not mix with ``requestSent()``/``requestCompleted(latency:)``.
    public func setInFlightRequests(_ count: Int) {
        guard isRecording else { return }
        inFlightRequests.set(nonNegative: count)
    }

    /// `sluice_producer_request_latency_seconds{broker}` alone, for an owner using
    /// ``setInFlightRequests(_:)``.
    public func recordRequestLatency(_ latency: Duration) {
        guard isRecording else { return }
        requestLatency.record(max(latency, .zero))
    }
}
