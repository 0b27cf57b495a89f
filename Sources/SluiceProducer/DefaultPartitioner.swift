/// Kafka's built-in partitioning: a keyed record goes to `toPositive(murmur2(key)) % partitions`; a record
/// without a key returns nil, so the accumulator's sticky logic (KIP-480) chooses.
public struct DefaultPartitioner: Partitioner {
    public init() {}

    public func partition(
        topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, partitionCount: Int32
    ) -> Int32? {
        guard let key else { return nil }
        return Murmur2.partition(forKey: key, partitionCount: partitionCount)
    }
}
