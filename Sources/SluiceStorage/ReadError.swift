import SluiceWire

/// Why a read returned no bytes.
public enum ReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offset is below the log start offset or above the log end offset. OFFSET_OUT_OF_RANGE.
    case offsetOutOfRange(offset: Int64, logStartOffset: Int64, logEndOffset: Int64)
    /// A segment's bytes do not hold the batches its offsets promise (a bug or a disk gone bad). CORRUPT_MESSAGE.
    case corruptSegment(path: String, position: Int, detail: String)
    /// The log was closed. KAFKA_STORAGE_ERROR.
    case logClosed
    /// A disk operation failed. KAFKA_STORAGE_ERROR.
    case storage(StorageError)

    /// The Kafka error code the consumer (or follower) gets.
    public var errorCode: ErrorCode {
        switch self {
        case .offsetOutOfRange: .offsetOutOfRange
        case .corruptSegment: .corruptMessage
        case .logClosed, .storage: .kafkaStorageError
        }
    }

    /// A sentence for logs and the fetch response's error message.
    public var description: String {
        switch self {
        case .offsetOutOfRange(let offset, let start, let end): "offset \(offset) is outside [\(start), \(end)]"
        case .corruptSegment(let path, let position, let detail): "\(path) at byte \(position): \(detail)"
        case .logClosed: "log is closed"
        case .storage(let error): error.description
        }
    }
}
