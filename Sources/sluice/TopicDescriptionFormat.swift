import SluiceWire

/// Formats `topics describe` output as Kafka's `kafka-topics.sh --describe` does: tab-separated
/// `Key: value` fields, a topic line, then one indented line per partition.
enum TopicDescriptionFormat {
    /// One replica of one partition on one broker.
    struct ReplicaKey: Hashable {
        var topic: String
        var partition: Int32
        var broker: Int32
    }

    /// The topic line followed by its partitions' lines, sorted by partition; with `replicaStates` (each
    /// broker's own description of its replicas) one line per replica after each partition:
    /// `\t\tReplica: 2\tLogEndOffset: 120\tHighWatermark: 120\tLag: 0\tInSync: true`.
    static func lines(for topic: TopicDescription, replicaStates: [ReplicaKey: PartitionDescription] = [:]) -> [String] {
        let replicationFactor = topic.partitions.first?.replicas.count ?? 0
        let configs = topic.configs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        var lines = [
            "Topic: \(topic.name)\tPartitionCount: \(topic.partitions.count)"
                + "\tReplicationFactor: \(replicationFactor)\tConfigs: \(configs)"
        ]
        for partition in topic.partitions.sorted(by: { $0.partition < $1.partition }) {
            lines.append(line(for: partition, topic: topic.name))
            guard !replicaStates.isEmpty else { continue }
            let leaderEnd = replicaStates[ReplicaKey(topic: topic.name, partition: partition.partition, broker: partition.leader)]?
                .logEndOffset
            for replica in partition.replicas {
                let key = ReplicaKey(topic: topic.name, partition: partition.partition, broker: replica)
                guard let state = replicaStates[key] else {
                    lines.append("\t\tReplica: \(replica)\tunreachable")
                    continue
                }
                let lag = leaderEnd.map { String(max(0, $0 - state.logEndOffset)) } ?? "?"
                lines.append(
                    "\t\tReplica: \(replica)\tLogEndOffset: \(state.logEndOffset)\tHighWatermark: \(state.highWatermark)"
                        + "\tLag: \(lag)\tInSync: \(partition.isr.contains(replica))")
            }
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
