/// Sticky partitioning for records without a key and without a partitioner's choice (KIP-480, Kafka's
/// `StickyPartitionCache`): per topic one partition, picked at random among partitions with a leader,
/// kept until a record needs a new batch there — then a different one is picked.
///
/// A value in the accumulator's state, changed under its lock. The random source is a SplitMix64 seeded
/// once, so tests can seed it. Bound: one entry per topic sent to.
struct StickyPartitions: Sendable {
    private var current: [String: Int32] = [:]
    private var randomState: UInt64

    init(seed: UInt64) {
        self.randomState = seed
    }

    /// The topic's sticky partition, choosing one the first time.
    mutating func partition(for topic: String, layout: TopicLayout) -> Int32 {
        if let partition = current[topic], partition < layout.partitionCount { return partition }
        let chosen = choose(layout: layout, excluding: nil)
        current[topic] = chosen
        return chosen
    }

    /// Called when the sticky partition `previous` needs a new batch: switches to a different partition
    /// (when the topic has more than one available) unless another append switched already. Returns the
    /// partition to use now (Kafka's `nextPartition(topic, cluster, prevPartition)`).
    mutating func partitionAfterNewBatch(for topic: String, layout: TopicLayout, previous: Int32) -> Int32 {
        if let partition = current[topic], partition != previous, partition < layout.partitionCount {
            return partition
        }
        let chosen = choose(layout: layout, excluding: previous)
        current[topic] = chosen
        return chosen
    }

    /// A random available partition other than `excluding` when possible; all partitions when none is available.
    private mutating func choose(layout: TopicLayout, excluding: Int32?) -> Int32 {
        precondition(layout.partitionCount > 0, "a topic has at least one partition")
        let candidates =
            layout.availablePartitions.isEmpty
            ? Array(0..<layout.partitionCount) : layout.availablePartitions
        guard candidates.count > 1 else { return candidates[0] }
        let others = excluding.map { excluded in candidates.filter { $0 != excluded } } ?? candidates
        let pool = others.isEmpty ? candidates : others
        return pool[Int(nextRandom() % UInt64(pool.count))]
    }

    /// SplitMix64: a fast, well-mixed 64-bit generator (no allocation, value semantics).
    private mutating func nextRandom() -> UInt64 {
        randomState &+= 0x9E37_79B9_7F4A_7C15
        var mixed = randomState
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
