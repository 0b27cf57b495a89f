import Prometheus
import SluiceObservability

/// The accumulator gauges of one partition, labelled `topic` and `partition`, created once by
/// ``ProducerMetrics/partition(topic:partition:)`` and kept by the accumulator's per-partition deque so
/// updates need no label lookup.
///
/// Each setter is one atomic store: safe from any thread, cheap enough to call on every append and drain.
public final class ProducerPartitionGauges: Sendable {
    /// The topic label.
    public let topic: String
    /// The partition label.
    public let partition: Int32

    let batches: Gauge
    let records: Gauge

    /// False when the owning `ProducerMetrics` does not record (metrics off): setters return at once.
    let isRecording: Bool

    init(registry: PrometheusCollectorRegistry, topic: String, partition: Int32, recording: Bool = true) {
        let labels = MetricLabels.partition(topic: topic, partition: partition)
        self.isRecording = recording
        self.topic = topic
        self.partition = partition
        self.batches = registry.makeGauge(.producerAccumulatorBatches, labelValues: labels)
        self.records = registry.makeGauge(.producerAccumulatorRecords, labelValues: labels)
    }

    /// Every gauge of this partition, for unregistering.
    var all: [Gauge] {
        [batches, records]
    }

    /// Sets `sluice_producer_accumulator_batches` and `sluice_producer_accumulator_records` of this
    /// partition: the batches in its deque (including the open one) and the records in them. Call after
    /// each append and each drain, with the counts read under the deque's lock.
    public func update(batches batchCount: Int, records recordCount: Int) {
        guard isRecording else { return }
        setBatches(batchCount)
        setRecords(recordCount)
    }

    /// `sluice_producer_accumulator_batches{topic,partition}`: batches waiting (queue depth).
    public func setBatches(_ count: Int) {
        guard isRecording else { return }
        batches.set(nonNegative: count)
    }

    /// `sluice_producer_accumulator_records{topic,partition}`: records waiting.
    public func setRecords(_ count: Int) {
        guard isRecording else { return }
        records.set(nonNegative: count)
    }
}
