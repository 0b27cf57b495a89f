/// A record to send: topic, optional partition, key, value, timestamp and headers (Kafka's `ProducerRecord`).
///
/// `partition` nil lets the partitioner choose (murmur2 of the key, or sticky without a key);
/// `timestamp` nil means "now" (CreateTime). A nil key or value is a null, distinct from empty.
public struct ProducerRecord<Key: Sendable, Value: Sendable>: Sendable {
    public var topic: String
    public var partition: Int32?
    public var key: Key?
    public var value: Value?
    public var timestamp: Int64?

    public init(topic: String, partition: Int32? = nil, key: Key? = nil, value: Value?, timestamp: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.timestamp = timestamp
    }
}
