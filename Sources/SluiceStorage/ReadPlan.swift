/// A read captured under the lock: the segment's descriptor and committed size, where the sparse
/// index says to start scanning, and the offsets bounding the answer. Executed outside the lock.
struct ReadPlan: Sendable {
    var file: FileDescriptor
    /// File position of the index entry at or below `offset` (a batch start).
    var scanPosition: Int
    /// A batch start known from the index to lie within `scanPosition + maxBytes` with all offsets before it
    /// below `limitOffset` (0 when none): a range read takes the batches up to it without reading their headers.
    var jumpPosition: Int
    /// The segment's committed size: bytes past it may be mid-write.
    var endPosition: Int
    var offset: Int64
    /// Batches must end before this offset (min of the caller's `maxOffset` and the log end offset).
    var limitOffset: Int64
    var generation: UInt64
}
