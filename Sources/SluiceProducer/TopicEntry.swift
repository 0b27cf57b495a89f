/// One topic in the accumulator: its metadata and its partitions' deques by index, so a `send` finds both
/// with a single hash of the topic name. Lives only inside the accumulator's lock, like `PartitionQueue`.
final class TopicEntry {
    /// From the last Metadata answer; nil until known, or after the topic was reported unknown.
    @exclusivity(unchecked) var layout: TopicLayout?
    /// Deques by partition index, created on first use. Bound: the topic's partition count.
    @exclusivity(unchecked) var queues: [PartitionQueue?] = []

    init(layout: TopicLayout?) {
        self.layout = layout
    }

    /// The deque of `partition`, if one was created.
    func queue(_ partition: Int32) -> PartitionQueue? {
        let index = Int(partition)
        return index < queues.count ? queues[index] : nil
    }
}
