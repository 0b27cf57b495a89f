/// One record of a gateway produce request, decoded for its embedded format: the bytes the producer sends.
struct GatewayRecord: Sendable, Hashable {
    /// The key's bytes; nil for a JSON `null` or an absent key (Kafka's null key, partitioned sticky).
    var key: [UInt8]?
    /// The value's bytes; nil for a JSON `null` or an absent value (Kafka's null value, a tombstone).
    var value: [UInt8]?
    /// The explicit partition, or nil to let the partitioner choose (murmur2 of the key, or sticky).
    /// Any integer that fits: range checks against the topic happen later (404, error_code 40402).
    var partition: Int64?
}
