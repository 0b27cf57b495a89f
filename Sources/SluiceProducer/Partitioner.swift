/// Chooses a record's partition (Kafka's `Partitioner`). Plug a custom one into `Producer`'s init.
///
/// Return nil to let the producer's built-in sticky logic choose (KIP-480: one partition until its batch
/// is sent, then a different one) — what Kafka's `BuiltInPartitioner` does for records without a key.
public protocol Partitioner: Sendable {
    /// The partition for a record of `topic` whose serialized key is `key` (nil: null key), among
    /// `partitionCount` partitions; nil for sticky.
    func partition(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, partitionCount: Int32) -> Int32?
}
