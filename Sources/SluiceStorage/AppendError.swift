import SluiceWire

/// Why an append wrote nothing (or, for `.storage` after a roll or flush, why it could not make its bytes durable).
public enum AppendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Batch `index` (0-based), at byte `position` of the request, failed validation. Nothing was written.
    /// CORRUPT_MESSAGE, or MESSAGE_TOO_LARGE for a batch above `message.max.bytes`.
    case invalidBatch(index: Int, position: Int, problem: BatchProblem)
    /// The request's batches together exceed `log.segment.bytes`: they can never fit one segment.
    /// RECORD_LIST_TOO_LARGE.
    case recordListTooLarge(bytes: Int, segmentBytes: Int)
    /// The leader appended with an epoch older than one already in the log. FENCED_LEADER_EPOCH.
    case fencedLeaderEpoch(requested: Int32, latest: Int32)
    /// A follower's batches do not start at this log's end offset, or skip offsets between them.
    /// UNKNOWN_SERVER_ERROR, as Kafka's UnexpectedAppendOffsetException: the replica fetcher has a bug or
    /// raced a truncation.
    case unexpectedOffset(expected: Int64, actual: Int64)
    /// The log was closed (broker stopping or replica removed). KAFKA_STORAGE_ERROR.
    case logClosed
    /// A disk operation failed; a partial write was cut back off. KAFKA_STORAGE_ERROR.
    case storage(StorageError)

    /// The Kafka error code the producer (or the replica fetcher) gets.
    public var errorCode: ErrorCode {
        switch self {
        case .invalidBatch(_, _, let problem): problem.errorCode
        case .recordListTooLarge: .recordListTooLarge
        case .fencedLeaderEpoch: .fencedLeaderEpoch
        case .unexpectedOffset: .unknownServerError
        case .logClosed, .storage: .kafkaStorageError
        }
    }

    /// A sentence for logs and the produce response's error message.
    public var description: String {
        switch self {
        case .invalidBatch(let index, let position, .tooLarge(let size, let limit)):
            // The limit is the topic's max.message.bytes, which defaults to the broker's message.max.bytes.
            "batch \(index) at byte \(position) is \(size) bytes, larger than max.message.bytes (\(limit)), "
                + "the topic's limit (default: the broker's message.max.bytes)"
        case .invalidBatch(let index, let position, let problem): "batch \(index) at byte \(position): \(problem)"
        case .recordListTooLarge(let bytes, let segmentBytes):
            "\(bytes) bytes of batches exceed log.segment.bytes \(segmentBytes)"
        case .fencedLeaderEpoch(let requested, let latest): "leader epoch \(requested) is older than \(latest)"
        case .unexpectedOffset(let expected, let actual):
            "batches start at offset \(actual), log end offset is \(expected)"
        case .logClosed: "log is closed"
        case .storage(let error): error.description
        }
    }
}
