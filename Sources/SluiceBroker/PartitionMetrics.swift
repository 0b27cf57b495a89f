import SluiceObservability
import SluiceWire

/// A partition's metric handles, looked up once when the partition is hosted so the produce path
/// never searches the registry by label.
struct PartitionMetrics: Sendable {
    let gauges: PartitionGauges
    let counters: TopicCounters
    /// `sluice_broker_duplicate_batches_total`, `sluice_broker_out_of_order_sequence_total`.
    let producerCounters: BrokerMetrics.ProducerStateCounters
    private let metrics: BrokerMetrics

    init(metrics: BrokerMetrics, topicPartition: TopicPartition) {
        self.metrics = metrics
        self.gauges = metrics.partition(topic: topicPartition.topic, partition: topicPartition.partition)
        self.counters = metrics.topic(topicPartition.topic)
        self.producerCounters = metrics.producerStateCounters(topic: topicPartition.topic)
    }

    func update(
        logEndOffset: Int64, highWatermark: Int64, logStartOffset: Int64, sizeBytes: Int64, leaderEpoch: Int32,
        isrSize: Int, replicas: Int
    ) {
        gauges.update(
            logEndOffset: logEndOffset, highWatermark: highWatermark, logStartOffset: logStartOffset,
            sizeBytes: sizeBytes, leaderEpoch: leaderEpoch, isrSize: isrSize, replicas: replicas)
    }

    /// `sluice_broker_records_in_total` / `sluice_broker_bytes_in_total` for one append as leader.
    func recordsAppended(count: Int64, bytes: Int64) {
        counters.recordAppend(records: Int(count), bytes: Int(bytes))
    }

    /// Drops the partition's series (topic deleted).
    func remove() {
        metrics.removePartition(topic: gauges.topic, partition: gauges.partition)
    }
}
