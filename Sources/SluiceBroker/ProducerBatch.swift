import SluiceWire

/// The producer fields of one batch header, as the idempotence check reads them (never per record).
struct ProducerBatch: Sendable, Hashable {
    let producerId: Int64
    let producerEpoch: Int16
    let firstSequence: Int32
    /// `firstSequence + lastOffsetDelta`, wrapping past `Int32.max` to 0 as Kafka's sequences do.
    let lastSequence: Int32

    /// The batch's producer fields; nil for a batch without a producer id (not idempotent: never checked).
    init?(_ header: RecordBatchHeader) {
        guard header.producerId >= 0 else { return nil }
        precondition(header.lastOffsetDelta >= 0, "a validated batch has a non-negative last offset delta")
        self.init(
            producerId: header.producerId, producerEpoch: header.producerEpoch, firstSequence: header.baseSequence,
            recordCount: header.lastOffsetDelta + 1)
    }

    /// A batch of `recordCount` records from `firstSequence` (tests build these directly).
    init(producerId: Int64, producerEpoch: Int16, firstSequence: Int32, recordCount: Int32) {
        precondition(producerId >= 0, "an idempotent batch has a producer id")
        precondition(recordCount >= 1, "a batch holds at least one record")
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.firstSequence = firstSequence
        self.lastSequence = Self.sequence(firstSequence, advancedBy: recordCount - 1)
    }

    /// `base + increment` in sequence space: past `Int32.max` it wraps to 0 (Kafka's
    /// `DefaultRecordBatch.incrementSequence`), so `Int32.max` is followed by 0.
    static func sequence(_ base: Int32, advancedBy increment: Int32) -> Int32 {
        precondition(increment >= 0, "sequences only advance")
        guard base > Int32.max - increment else { return base + increment }
        // Step by step: the distance to Int32.max uses (Int32.max - base) of the increment, one more reaches 0.
        return increment - (Int32.max - base) - 1
    }
}
