import Prometheus
import SluiceObservability

extension BrokerMetrics {
    /// The per-topic counters of the broker's idempotent-producer check (observability.md, "Broker"):
    /// `sluice_broker_duplicate_batches_total{topic}` and `sluice_broker_out_of_order_sequence_total{topic}`.
    /// Get them once per partition with ``BrokerMetrics/producerStateCounters(topic:)`` and keep them; each
    /// call is one relaxed atomic add.
    public struct ProducerStateCounters: Sendable {
        /// The topic label.
        public let topic: String
        let duplicateBatches: Prometheus.Counter
        let outOfOrderSequences: Prometheus.Counter

        /// Every counter of this handle, for unregistering.
        var all: [Prometheus.Counter] { [duplicateBatches, outOfOrderSequences] }

        /// One batch was a duplicate of an appended one and was answered with its original offset.
        public func recordDuplicateBatch() {
            duplicateBatches.increment(by: Int64(1))
        }

        /// One batch was refused with OUT_OF_ORDER_SEQUENCE_NUMBER.
        public func recordOutOfOrderSequence() {
            outOfOrderSequences.increment(by: Int64(1))
        }
    }

    /// The idempotence counters of `topic`; the registry returns the same series on every call (they are
    /// created with the topic's other counters by ``topic(_:)``).
    public func producerStateCounters(topic: String) -> ProducerStateCounters {
        let labels = MetricLabels.topic(topic)
        return ProducerStateCounters(
            topic: topic,
            duplicateBatches: registry.makeCounter(.brokerDuplicateBatches, labelValues: labels),
            outOfOrderSequences: registry.makeCounter(.brokerOutOfOrderSequence, labelValues: labels))
    }
}
