/// What one attempt to append a record under the accumulator's lock came to.
@usableFromInline
enum AppendOutcome: Sendable, Hashable {
    /// Appended to `partition`. `wakeSender`: a batch became full or a new one opened, so the sender must
    /// re-evaluate readiness (its next linger deadline changed).
    case appended(partition: Int32, wakeSender: Bool)
    /// A new batch needs `bytes` of `buffer.memory` and none is free: wait on the pool, then retry with it.
    case needsMemory(bytes: Int)
    /// The topic's partitions are not known yet: fetch metadata, then retry.
    case needsMetadata
    /// The record's explicit partition is not one of the topic's.
    case invalidPartition(partitionCount: Int32)
    /// `close()` has begun.
    case closed
}
