import SluiceWire

/// Formats `topics describe` output as Kafka's `kafka-topics.sh --describe` does: tab-separated
/// `Key: value` fields, a topic line, then one indented line per partition.
enum TopicDescriptionFormat {
    /// The topic line followed by its partitions' lines, sorted by partition.
    static func lines(for topic: TopicDescription) -> [String] {
        let replicationFactor = topic.partitions.first?.replicas.count ?? 0
        let configs = topic.configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        var lines = [
            "Topic: \(topic.name)\tPartitionCount: \(topic.partitions.count)"
                + "\tReplicationFactor: \(replicationFactor)\tConfigs: \(configs)"
        ]
        for partition in topic.partitions.sorted(by: { $0.partition < $1.partition }) {
            lines.append(line(for: partition, topic: topic.name))
        }
        return lines
    }

    /// One partition's line; `Leader: none` when it has no leader, and its error when it has one.
    static func line(for partition: PartitionDescription, topic: String) -> String {
        let leader = partition.leader >= 0 ? "\(partition.leader)" : "none"
        var line =
            "\tTopic: \(topic)\tPartition: \(partition.partition)\tLeader: \(leader)"
            + "\tReplicas: \(list(partition.replicas))\tIsr: \(list(partition.isr))"
            + "\tLeaderEpoch: \(partition.leaderEpoch)\tLogStartOffset: \(partition.logStartOffset)"
            + "\tLogEndOffset: \(partition.logEndOffset)\tHighWatermark: \(partition.highWatermark)"
            + "\tSize: \(partition.sizeBytes)"
        if partition.errorCode != .none { line += "\tError: \(partition.errorCode.name)" }
        return line
    }

    private static func list(_ ids: [Int32]) -> String {
        ids.map(String.init).joined(separator: ",")
    }
}
