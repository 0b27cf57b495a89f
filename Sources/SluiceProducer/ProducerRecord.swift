import SluiceWire

/// A record to send: topic, optional partition, key, value, timestamp and headers (Kafka's `ProducerRecord`).
///
/// `partition` nil lets the partitioner choose (murmur2 of the key, or sticky without a key);
/// `timestamp` nil means "now" (CreateTime). A nil key or value is a null, distinct from empty.
/// `headers` travel with the record in order (a key may repeat; a nil value is a null header value, as
/// Kafka's); a consumer on either protocol reads them back as given. They count towards `max.request.size`.
public struct ProducerRecord<Key: Sendable, Value: Sendable>: Sendable {
    public var topic: String
    public var partition: Int32?
    public var key: Key?
    public var value: Value?
    public var timestamp: Int64?
    public var headers: [RecordHeader]

    public init(
        topic: String, partition: Int32? = nil, key: Key? = nil, value: Value?, timestamp: Int64? = nil,
        headers: [RecordHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.headers = headers
    }
}
