import SluiceWire

/// Why the idempotent-producer check refused a produce request's batches for one partition; nothing of the
/// request was appended. Each case names its Kafka error code.
enum ProducerStateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The batch's epoch is older than the producer's current one on this partition: a zombie instance
    /// (INVALID_PRODUCER_EPOCH, Kafka ≥ 2.7 for produce; the `producer_fenced` event).
    case fencedEpoch(producerId: Int64, producerEpoch: Int16, currentEpoch: Int16)
    /// A producer id with a negative epoch: no InitProducerId answer ever gives one (INVALID_PRODUCER_EPOCH).
    case negativeEpoch(producerId: Int64, producerEpoch: Int16)
    /// The base sequence does not continue the producer's last batch: a gap, a new epoch not starting at 0,
    /// an unknown producer not starting at 0 (Kafka ≥ 2.x answers some of these UNKNOWN_PRODUCER_ID; Sluice
    /// always OUT_OF_ORDER_SEQUENCE_NUMBER), a retry older than the last 5 batches, or a request mixing
    /// duplicates with new batches (OUT_OF_ORDER_SEQUENCE_NUMBER).
    case outOfOrderSequence(producerId: Int64, producerEpoch: Int16, baseSequence: Int32, reason: String)

    /// The Kafka error code the producer gets.
    var errorCode: ErrorCode {
        switch self {
        case .fencedEpoch, .negativeEpoch: .invalidProducerEpoch
        case .outOfOrderSequence: .outOfOrderSequenceNumber
        }
    }

    /// A sentence for the produce response's error message and the logs.
    var description: String {
        switch self {
        case .fencedEpoch(let producerId, let producerEpoch, let currentEpoch):
            "producer \(producerId) epoch \(producerEpoch) is older than its current epoch \(currentEpoch)"
        case .negativeEpoch(let producerId, let producerEpoch):
            "producer \(producerId) has an invalid epoch \(producerEpoch)"
        case .outOfOrderSequence(let producerId, let producerEpoch, let baseSequence, let reason):
            "producer \(producerId) epoch \(producerEpoch) base sequence \(baseSequence): \(reason)"
        }
    }
}
