import SluiceWire

/// What the producer knows of one topic from Metadata: its partition count and each partition's leader.
///
/// Kept in the accumulator's state, so `send` reads it under the same lock it appends under.
struct TopicLayout: Sendable, Hashable {
    /// Leader node id by partition index; -1 while a partition has no leader.
    let leaders: [Int32]
    /// Partitions with a leader, ascending: where sticky partitioning picks (Kafka's `availablePartitionsForTopic`).
    let availablePartitions: [Int32]

    /// The topic's layout from its Metadata entry (partitions in any order, gaps impossible by construction).
    init(_ metadata: TopicMetadata) {
        let count = (metadata.partitions.map(\.partition).max() ?? -1) + 1
        var leaders = [Int32](repeating: -1, count: Int(count))
        for partition in metadata.partitions where partition.partition >= 0 {
            leaders[Int(partition.partition)] = partition.errorCode == .none ? partition.leader : -1
        }
        self.init(leaders: leaders)
    }

    /// A layout from leaders by partition index (tests).
    init(leaders: [Int32]) {
        self.leaders = leaders
        self.availablePartitions = leaders.indices.filter { leaders[$0] >= 0 }.map { Int32($0) }
    }

    /// Number of partitions.
    var partitionCount: Int32 { Int32(leaders.count) }

    /// The leader of `partition`, or nil when it has none (or does not exist).
    func leader(of partition: Int32) -> Int32? {
        guard partition >= 0, Int(partition) < leaders.count else { return nil }
        let leader = leaders[Int(partition)]
        return leader >= 0 ? leader : nil
    }
}
