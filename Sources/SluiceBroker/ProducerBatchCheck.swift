/// The idempotence decision for one batch against its producer's state (Kafka's
/// `ProducerAppendInfo.checkProducerEpoch` / `checkSequence` and `ProducerStateEntry.findDuplicateBatch`).
enum ProducerBatchCheck: Sendable, Hashable {
    /// Append it: it continues the producer's sequence (or starts a new producer or epoch at 0).
    case inSequence
    /// It was appended before (same epoch and sequence range as one of the last 5): answer with the original.
    case duplicate(ProducerBatchMetadata)
    /// Refuse the request.
    case refused(ProducerStateError)

    /// Decides `batch` against `entry` (nil: producer unknown on this partition). Pure.
    ///
    /// Epoch older → fenced; epoch newer → must start at sequence 0; same epoch → a duplicate of one of the
    /// cached batches, else the base sequence must be the last sequence + 1 (`Int32.max` + 1 wraps to 0).
    static func evaluate(_ batch: ProducerBatch, against entry: ProducerStateEntry?) -> ProducerBatchCheck {
        guard batch.producerEpoch >= 0 else {
            return .refused(.negativeEpoch(producerId: batch.producerId, producerEpoch: batch.producerEpoch))
        }
        guard let entry else {
            return startsAtZero(batch, "unknown producer: its first batch must have sequence 0")
        }
        assert(entry.producerId == batch.producerId, "checked against another producer's entry")
        if batch.producerEpoch < entry.producerEpoch {
            return .refused(.fencedEpoch(
                producerId: batch.producerId, producerEpoch: batch.producerEpoch, currentEpoch: entry.producerEpoch))
        }
        if batch.producerEpoch > entry.producerEpoch {
            return startsAtZero(batch, "a new epoch (was \(entry.producerEpoch)) must start at sequence 0")
        }
        if let original = entry.duplicate(of: batch) { return .duplicate(original) }
        guard let lastSequence = entry.lastSequence else {
            return startsAtZero(batch, "no batch of this epoch is known: it must start at sequence 0")
        }
        let expected = ProducerBatch.sequence(lastSequence, advancedBy: 1)
        guard batch.firstSequence == expected else {
            return outOfOrder(batch, "expected \(expected) (last appended sequence \(lastSequence))")
        }
        return .inSequence
    }

    private static func startsAtZero(_ batch: ProducerBatch, _ reason: String) -> ProducerBatchCheck {
        batch.firstSequence == 0 ? .inSequence : outOfOrder(batch, reason)
    }

    private static func outOfOrder(_ batch: ProducerBatch, _ reason: String) -> ProducerBatchCheck {
        .refused(.outOfOrderSequence(
            producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.firstSequence,
            reason: reason))
    }
}
