import Prometheus
import SluiceObservability
import Synchronization

/// The per-topic record counters of a producer, labelled `topic`, created once by
/// ``ProducerMetrics/topic(_:)`` and kept by the sender so counting needs no lookup. Counting sent and
/// retried records is one relaxed atomic add per call; call once per batch with its record count.
public final class ProducerTopicCounters: Sendable {
    /// Distinct `error` label values kept per topic. Error names come from a fixed catalogue (Kafka's
    /// `Errors.java` names), so this is never reached in practice; past it, errors count under
    /// ``otherErrorLabel`` so a caller bug cannot grow the exposition without limit.
    public static let errorLabelsMax = 64
    /// The `error` label used once ``errorLabelsMax`` distinct names were seen.
    public static let otherErrorLabel = "OTHER"

    /// The topic label.
    public let topic: String

    let recordsSent: Prometheus.Counter
    let recordRetries: Prometheus.Counter
    private let registry: PrometheusCollectorRegistry
    /// `sluice_producer_record_errors_total{topic,error}` by error name, created on the first error of
    /// each kind. Errors are rare; the lock is not on the success path.
    private let recordErrors = Mutex<[String: Prometheus.Counter]>([:])

    /// False when the owning `ProducerMetrics` does not record (metrics off): setters return at once.
    let isRecording: Bool

    init(registry: PrometheusCollectorRegistry, topic: String, recording: Bool = true) {
        let labels = MetricLabels.topic(topic)
        self.isRecording = recording
        self.topic = topic
        self.registry = registry
        self.recordsSent = registry.makeCounter(.producerRecordsSent, labelValues: labels)
        self.recordRetries = registry.makeCounter(.producerRecordRetries, labelValues: labels)
    }

    /// Every counter of this topic, for unregistering.
    var all: [Prometheus.Counter] {
        [recordsSent, recordRetries] + recordErrors.withLock { Array($0.values) }
    }

    /// `records` records were acknowledged (`sluice_producer_records_sent_total{topic}`). Call once per
    /// acknowledged batch; acks=0 batches count when written.
    public func recordSent(records: Int) {
        guard isRecording else { return }
        precondition(records >= 0, "negative record count \(records)")
        recordsSent.increment(by: Int64(records))
    }

    /// `records` records are being sent again after a retriable error
    /// (`sluice_producer_record_retries_total{topic}`). Call once per re-enqueued batch.
    public func recordRetried(records: Int) {
        guard isRecording else { return }
        precondition(records >= 0, "negative record count \(records)")
        recordRetries.increment(by: Int64(records))
    }

    /// `records` records failed for good with `error`
    /// (`sluice_producer_record_errors_total{topic,error}`). `error` is a name from a fixed catalogue —
    /// Kafka's error name for a broker error code (`NOT_ENOUGH_REPLICAS`, `RECORD_TOO_LARGE`, …) or the
    /// producer's own (`DELIVERY_TIMEOUT`, `BUFFER_EXHAUSTED`, `PRODUCER_CLOSED`) — never a message with
    /// variable text.
    public func recordFailed(records: Int, error: String) {
        guard isRecording else { return }
        precondition(records >= 0, "negative record count \(records)")
        precondition(!error.isEmpty, "empty error label")
        counter(error: error).increment(by: Int64(records))
    }

    private func counter(error: String) -> Prometheus.Counter {
        recordErrors.withLock { counters in
            if let existing = counters[error] {
                return existing
            }
            let label = counters.count < Self.errorLabelsMax ? error : Self.otherErrorLabel
            if let existing = counters[label] {
                return existing
            }
            let created = registry.makeCounter(.producerRecordErrors, labelValues: [topic, label])
            counters[label] = created
            assert(counters.count <= Self.errorLabelsMax + 1, "error labels past their bound")
            return created
        }
    }
}
