/// A topic name and a partition number: the key of everything per partition.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// Kafka's directory and display form, `orders-2`.
    public var description: String { "\(topic)-\(partition)" }
}
