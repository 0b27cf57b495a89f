import Prometheus
import SluiceObservability
import SluiceWire

extension MetricDefinition {
    // MARK: Groups (observability.md, "Requests, metadata store and groups")

    /// `sluice_group_members{group}`: members of a group, on its coordinator.
    public static let groupMembers = MetricDefinition(
        name: "sluice_group_members", kind: .gauge, labelNames: ["group"],
        help: "Members of a consumer group, reported by its coordinator.")
    /// `sluice_group_generation{group}`: the group's generation.
    public static let groupGeneration = MetricDefinition(
        name: "sluice_group_generation", kind: .gauge, labelNames: ["group"],
        help: "The consumer group's current generation (one more per completed rebalance), on its coordinator.")
    /// `sluice_group_rebalances_total{group,reason}`: rebalances completed.
    public static let groupRebalances = MetricDefinition(
        name: "sluice_group_rebalances_total", kind: .counter, labelNames: ["group", "reason"],
        help: "Rebalances completed with members, by what started them: join (the first members), member_joined, "
            + "member_rejoined, metadata_changed, member_left, session_timeout.")
    /// `sluice_group_committed_offset{group,topic,partition}`: last committed offset.
    public static let groupCommittedOffset = MetricDefinition(
        name: "sluice_group_committed_offset", kind: .gauge, labelNames: ["group", "topic", "partition"],
        help: "The offset a consumer group last committed for a partition, on the group's coordinator.")
    /// `sluice_group_lag_records{group,topic,partition}`: HW − committed offset.
    public static let groupLag = MetricDefinition(
        name: "sluice_group_lag_records", kind: .gauge, labelNames: ["group", "topic", "partition"],
        help: "Consumer lag: the partition's high watermark minus the group's committed offset, exported by the "
            + "coordinator for partitions with a replica on it.")
}

/// The group coordinator's metrics. Series are per group (and per committed partition), made when a group
/// first appears on this coordinator and removed when it moves away; there is no series before the first group
/// (group ids are not known in advance), so the families are declared at start with help text only.
public final class GroupMetrics: Sendable {
    public static let definitions: [MetricDefinition] = [
        .groupMembers, .groupGeneration, .groupRebalances, .groupCommittedOffset, .groupLag,
    ]

    let registry: PrometheusCollectorRegistry
    private let gauges = MetricHandles<String, (members: Gauge, generation: Gauge)>()
    private let rebalances = MetricHandles<String, Prometheus.Counter>()
    private let partitionGauges = MetricHandles<String, (committed: Gauge, lag: Gauge)>()

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func observe(group: String, members: Int, generation: Int32) {
        let handles = gauges.handle(group) {
            (registry.makeGauge(.groupMembers, labelValues: [group]),
             registry.makeGauge(.groupGeneration, labelValues: [group]))
        }
        handles.members.set(Int64(members))
        handles.generation.set(Int64(generation))
    }

    func rebalanced(group: String, reason: String) {
        rebalances.handle("\(group)\u{0}\(reason)") {
            registry.makeCounter(.groupRebalances, labelValues: [group, reason])
        }.increment(by: Int64(1))
    }

    func committed(group: String, topicPartition: TopicPartition, offset: Int64) {
        partition(group, topicPartition).committed.set(offset)
    }

    func lag(group: String, topicPartition: TopicPartition, records: Int64) {
        partition(group, topicPartition).lag.set(records)
    }

    func removeCommitted(group: String, topicPartition: TopicPartition) {
        guard let handles = partitionGauges.remove(Self.key(group, topicPartition)) else { return }
        registry.unregisterGauge(handles.committed)
        registry.unregisterGauge(handles.lag)
    }

    func removeGroup(_ group: String) {
        guard let handles = gauges.remove(group) else { return }
        registry.unregisterGauge(handles.members)
        registry.unregisterGauge(handles.generation)
    }

    private func partition(_ group: String, _ topicPartition: TopicPartition) -> (committed: Gauge, lag: Gauge) {
        partitionGauges.handle(Self.key(group, topicPartition)) {
            let labels = [group, topicPartition.topic, String(topicPartition.partition)]
            return (registry.makeGauge(.groupCommittedOffset, labelValues: labels),
                    registry.makeGauge(.groupLag, labelValues: labels))
        }
    }

    private static func key(_ group: String, _ topicPartition: TopicPartition) -> String {
        "\(group)\u{0}\(topicPartition.topic)\u{0}\(topicPartition.partition)"
    }
}
