import Prometheus
import SluiceObservability

/// The per-topic counters of a broker, labelled `topic`, created once by ``BrokerMetrics/topic(_:)`` and
/// kept by the produce and fetch paths so counting needs no lookup. Each call is one relaxed atomic add.
public final class TopicCounters: Sendable {
    /// The topic label.
    public let topic: String

    let recordsIn: Prometheus.Counter
    let bytesIn: Prometheus.Counter
    let bytesOut: Prometheus.Counter
    let notEnoughReplicas: Prometheus.Counter
    let fetchConversions: Prometheus.Counter

    init(registry: PrometheusCollectorRegistry, topic: String) {
        let labels = MetricLabels.topic(topic)
        self.topic = topic
        self.recordsIn = registry.makeCounter(.brokerRecordsIn, labelValues: labels)
        self.bytesIn = registry.makeCounter(.brokerBytesIn, labelValues: labels)
        self.bytesOut = registry.makeCounter(.brokerBytesOut, labelValues: labels)
        self.notEnoughReplicas = registry.makeCounter(.brokerNotEnoughReplicas, labelValues: labels)
        self.fetchConversions = registry.makeCounter(.brokerFetchConversions, labelValues: labels)
    }

    /// Every counter of this topic, for unregistering.
    var all: [Prometheus.Counter] {
        [recordsIn, bytesIn, bytesOut, notEnoughReplicas, fetchConversions]
    }

    /// A leader appended `records` records in `bytes` batch bytes (`sluice_broker_records_in_total`,
    /// `sluice_broker_bytes_in_total`). Call once per appended batch.
    public func recordAppend(records: Int, bytes: Int) {
        precondition(records >= 0, "negative record count \(records)")
        precondition(bytes >= 0, "negative byte count \(bytes)")
        recordsIn.increment(by: Int64(records))
        bytesIn.increment(by: Int64(bytes))
    }

    /// A fetch response carried `bytes` batch bytes of this topic (`sluice_broker_bytes_out_total`).
    public func recordFetch(bytes: Int) {
        precondition(bytes >= 0, "negative byte count \(bytes)")
        bytesOut.increment(by: Int64(bytes))
    }

    /// An acks=all request was refused or failed because ISR < min.insync.replicas
    /// (`sluice_broker_not_enough_replicas_total`).
    public func recordNotEnoughReplicas() {
        notEnoughReplicas.increment(by: Int64(1))
    }

    /// A Kafka fetch converted `batches` native batches to magic 2 (`sluice_broker_fetch_conversions_total`).
    public func recordFetchConversions(batches: Int) {
        precondition(batches >= 0, "negative batch count \(batches)")
        fetchConversions.increment(by: Int64(batches))
    }
}
