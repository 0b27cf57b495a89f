/// A topic and one of its partitions: the unit that has a leader, a log and offsets, and the key of
/// everything per partition. One type for every module (the client's, the producer's and the broker's), in the
/// lowest module that needs it.
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    /// The topic's name.
    public let topic: String
    /// The partition's index, 0-based.
    public let partition: Int32

    /// A topic-partition.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic-partition`, as Kafka prints it.
    public var description: String { "\(topic)-\(partition)" }
}
