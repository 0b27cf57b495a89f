/// Where an acknowledged record landed (Kafka's `RecordMetadata`). `offset` is -1 with acks=0.
public struct RecordMetadata: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The record's timestamp (CreateTime), ms since the epoch.
    public var timestamp: Int64
    public var serializedKeySize: Int
    public var serializedValueSize: Int

    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64, serializedKeySize: Int, serializedValueSize: Int) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.serializedKeySize = serializedKeySize
        self.serializedValueSize = serializedValueSize
    }
}
