import Prometheus
import SluiceObservability

/// The gauges of one local partition replica, labelled `topic` and `partition`, created once by
/// ``BrokerMetrics/partition(topic:partition:)`` and kept by the partition so updates need no lookup.
///
/// ``update(logEndOffset:highWatermark:logStartOffset:sizeBytes:leaderEpoch:isrSize:replicas:)`` stores one
/// atomic per gauge: safe from any thread, cheap enough for every append. Values are kept as `Double` by
/// Prometheus, exact for offsets below 2^53.
public final class PartitionGauges: Sendable {
    /// The topic label.
    public let topic: String
    /// The partition label.
    public let partition: Int32

    let logEndOffset: Gauge
    let highWatermark: Gauge
    let logStartOffset: Gauge
    let leaderEpoch: Gauge
    let isrSize: Gauge
    let replicas: Gauge
    let logSizeBytes: Gauge
    /// `sluice_broker_isr_shrinks_total` / `_expands_total` and `sluice_log_truncated_(acked_)records_total`.
    let isrShrinks: Prometheus.Counter
    let isrExpands: Prometheus.Counter
    let truncatedRecords: Prometheus.Counter
    let truncatedAckedRecords: Prometheus.Counter
    private let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry, topic: String, partition: Int32) {
        let labels = MetricLabels.partition(topic: topic, partition: partition)
        self.topic = topic
        self.partition = partition
        self.logEndOffset = registry.makeGauge(.partitionLogEndOffset, labelValues: labels)
        self.highWatermark = registry.makeGauge(.partitionHighWatermark, labelValues: labels)
        self.logStartOffset = registry.makeGauge(.partitionLogStartOffset, labelValues: labels)
        self.leaderEpoch = registry.makeGauge(.partitionLeaderEpoch, labelValues: labels)
        self.isrSize = registry.makeGauge(.partitionISRSize, labelValues: labels)
        self.replicas = registry.makeGauge(.partitionReplicas, labelValues: labels)
        self.logSizeBytes = registry.makeGauge(.logSizeBytes, labelValues: labels)
        self.isrShrinks = registry.makeCounter(.brokerIsrShrinks, labelValues: labels)
        self.isrExpands = registry.makeCounter(.brokerIsrExpands, labelValues: labels)
        self.truncatedRecords = registry.makeCounter(.logTruncatedRecords, labelValues: labels)
        self.truncatedAckedRecords = registry.makeCounter(.logTruncatedAckedRecords, labelValues: labels)
        self.registry = registry
    }

    /// The replication counters, for unregistering.
    var counters: [Prometheus.Counter] { [isrShrinks, isrExpands, truncatedRecords, truncatedAckedRecords] }

    /// `sluice_partition_follower_lag_records` of `replica` (the registry returns the same series each time).
    public func followerLag(replica: Int32) -> Gauge {
        registry.makeGauge(
            .partitionFollowerLag, labelValues: MetricLabels.partition(topic: topic, partition: partition) + [String(replica)])
    }

    /// Every gauge of this partition, for unregistering.
    var all: [Gauge] {
        [logEndOffset, highWatermark, logStartOffset, leaderEpoch, isrSize, replicas, logSizeBytes]
    }

    /// Sets every gauge at once, e.g. after an append, a high-watermark move or a leadership change:
    /// `sluice_partition_log_end_offset`, `_high_watermark`, `_log_start_offset`, `_leader_epoch`,
    /// `_isr_size`, `_replicas` and `sluice_log_size_bytes`. `isrSize` and `replicas` are the leader's view; a
    /// follower passes 0 for both (the leader exports them).
    ///
    /// The offsets are read one by one from a log that keeps moving, so no order between them is asserted
    /// (the high watermark read after the log end offset may already be past it); each is non-negative.
    public func update(
        logEndOffset: Int64,
        highWatermark: Int64,
        logStartOffset: Int64,
        sizeBytes: Int64,
        leaderEpoch: Int32,
        isrSize: Int,
        replicas: Int
    ) {
        self.logEndOffset.set(nonNegative: logEndOffset)
        self.highWatermark.set(nonNegative: highWatermark)
        self.logStartOffset.set(nonNegative: logStartOffset)
        self.logSizeBytes.set(nonNegative: sizeBytes)
        // An epoch may be -1 (no leader known yet): not a count.
        self.leaderEpoch.set(to: Double(leaderEpoch))
        self.isrSize.set(nonNegative: isrSize)
        self.replicas.set(nonNegative: replicas)
    }
}
