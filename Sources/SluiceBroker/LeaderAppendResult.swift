import SluiceStorage

/// What a leader append did with a produce request's batches for one partition.
enum LeaderAppendResult: Sendable, Hashable {
    /// Written at the offsets in `AppendInfo`.
    case appended(AppendInfo)
    /// Every batch was an idempotent retry of batches already in the log: nothing was written; the producer
    /// gets the original offsets (errorCode NONE, as Kafka answers exact duplicates).
    case duplicate(firstOffset: Int64, lastOffset: Int64, batchCount: Int)

    /// Offset of the first record (the response's base offset).
    var firstOffset: Int64 {
        switch self {
        case .appended(let info): info.firstOffset
        case .duplicate(let firstOffset, _, _): firstOffset
        }
    }

    /// Offset of the last record: acks=all waits until the high watermark passes it.
    var lastOffset: Int64 {
        switch self {
        case .appended(let info): info.lastOffset
        case .duplicate(_, let lastOffset, _): lastOffset
        }
    }
}
