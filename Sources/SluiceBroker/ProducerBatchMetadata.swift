/// Where one appended idempotent batch landed: its sequence range and its offsets (Kafka's `BatchMetadata`).
/// A duplicate of it is answered with `firstOffset`.
struct ProducerBatchMetadata: Sendable, Hashable {
    /// The batch's base sequence.
    var firstSequence: Int32
    /// The sequence of its last record (`firstSequence + lastOffsetDelta`, wrapping past `Int32.max` to 0).
    var lastSequence: Int32
    /// Offset of its first record.
    var firstOffset: Int64
    /// Offset of its last record.
    var lastOffset: Int64

    init(firstSequence: Int32, lastSequence: Int32, firstOffset: Int64, lastOffset: Int64) {
        precondition(firstOffset <= lastOffset, "batch offsets \(firstOffset)...\(lastOffset) run backwards")
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
    }
}
