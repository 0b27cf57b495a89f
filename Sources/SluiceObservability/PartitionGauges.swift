import Prometheus

/// The gauges of one local partition replica, labelled `topic` and `partition`, created once by
/// ``BrokerMetrics/partition(topic:partition:)`` and kept by the partition so updates need no lookup.
///
/// Setters store one atomic each: safe from any thread, cheap enough for every append. Values are kept as
/// `Double` by Prometheus, exact for offsets below 2^53.
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

    init(registry: PrometheusCollectorRegistry, topic: String, partition: Int32) {
        precondition(!topic.isEmpty, "partition gauges for an empty topic name")
        precondition(partition >= 0, "negative partition \(partition)")
        self.topic = topic
        self.partition = partition
        let labels = [topic, String(partition)]
        self.logEndOffset = registry.makeGauge(.partitionLogEndOffset, labelValues: labels)
        self.highWatermark = registry.makeGauge(.partitionHighWatermark, labelValues: labels)
        self.logStartOffset = registry.makeGauge(.partitionLogStartOffset, labelValues: labels)
        self.leaderEpoch = registry.makeGauge(.partitionLeaderEpoch, labelValues: labels)
        self.isrSize = registry.makeGauge(.partitionISRSize, labelValues: labels)
        self.replicas = registry.makeGauge(.partitionReplicas, labelValues: labels)
        self.logSizeBytes = registry.makeGauge(.logSizeBytes, labelValues: labels)
    }

    /// Every gauge of this partition, for unregistering.
    var all: [Gauge] {
        [logEndOffset, highWatermark, logStartOffset, leaderEpoch, isrSize, replicas, logSizeBytes]
    }

    /// Sets every gauge at once, e.g. after an append, a high-watermark move or a leadership change.
    /// `isrSize` and `replicas` are the leader's view; a follower passes 0 for both (the leader exports them).
    public func update(
        logEndOffset: Int64,
        highWatermark: Int64,
        logStartOffset: Int64,
        sizeBytes: Int64,
        leaderEpoch: Int32,
        isrSize: Int,
        replicas: Int
    ) {
        assert(highWatermark <= logEndOffset, "high watermark \(highWatermark) above log end offset \(logEndOffset)")
        assert(logStartOffset <= logEndOffset, "log start \(logStartOffset) above log end offset \(logEndOffset)")
        setLogEndOffset(logEndOffset)
        setHighWatermark(highWatermark)
        setLogStartOffset(logStartOffset)
        setLogSizeBytes(sizeBytes)
        setLeaderEpoch(leaderEpoch)
        setISRSize(isrSize)
        setReplicas(replicas)
    }

    /// `sluice_partition_log_end_offset`: the local replica's LEO.
    public func setLogEndOffset(_ offset: Int64) {
        assert(offset >= 0, "negative log end offset \(offset)")
        logEndOffset.set(to: Double(offset))
    }

    /// `sluice_partition_high_watermark`: the local replica's HW.
    public func setHighWatermark(_ offset: Int64) {
        assert(offset >= 0, "negative high watermark \(offset)")
        highWatermark.set(to: Double(offset))
    }

    /// `sluice_partition_log_start_offset`: the first retained offset.
    public func setLogStartOffset(_ offset: Int64) {
        assert(offset >= 0, "negative log start offset \(offset)")
        logStartOffset.set(to: Double(offset))
    }

    /// `sluice_partition_leader_epoch`: the current leader epoch.
    public func setLeaderEpoch(_ epoch: Int32) {
        leaderEpoch.set(to: Double(epoch))
    }

    /// `sluice_partition_isr_size`: ISR members. Set by the leader; a follower sets 0 (the leader exports).
    public func setISRSize(_ count: Int) {
        assert(count >= 0, "negative ISR size \(count)")
        isrSize.set(to: Double(count))
    }

    /// `sluice_partition_replicas`: assigned replicas. Set by the leader; a follower sets 0.
    public func setReplicas(_ count: Int) {
        assert(count >= 0, "negative replica count \(count)")
        replicas.set(to: Double(count))
    }

    /// `sluice_log_size_bytes`: bytes of this partition's segments on disk.
    public func setLogSizeBytes(_ bytes: Int64) {
        assert(bytes >= 0, "negative log size \(bytes)")
        logSizeBytes.set(to: Double(bytes))
    }
}
