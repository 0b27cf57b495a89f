/// How `send` chose a record's partition before the accumulator's lock resolves it.
@usableFromInline
enum PartitionChoice: Sendable, Hashable {
    /// Given by the record or a custom partitioner; checked against the partition count.
    case explicit(Int32)
    /// `toPositive(murmur2(key))` computed outside the lock; the lock applies `% partitionCount`.
    case keyHash(Int32)
    /// No key and no choice: the topic's sticky partition (KIP-480).
    case sticky
}
