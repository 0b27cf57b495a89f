/// Why a byte range is not a valid record batch.
public enum BatchProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer bytes than a header, or than the header's `batchLength` claims: a torn tail.
    case truncated(available: Int, needed: Int)
    /// `batchLength` smaller than the header's own rest, or negative.
    case badLength(Int32)
    case badMagic(UInt8)
    case crcMismatch(stored: UInt32, computed: UInt32)
    /// Record count below 1, or not matching `lastOffsetDelta + 1`.
    case badRecordCount(count: Int32, lastOffsetDelta: Int32)
    /// A batch larger than the limit (`message.max.bytes`).
    case tooLarge(size: Int, limit: Int)
    /// A CreateTime timestamp outside `[lowest, highest]` (`log.message.timestamp.before.max.ms` /
    /// `after.max.ms` around the leader's clock).
    case timestampOutOfRange(timestamp: Int64, lowest: Int64, highest: Int64)

    public var description: String {
        switch self {
        case .truncated(let available, let needed): "truncated batch: \(available) bytes of \(needed)"
        case .badLength(let length): "invalid batch length \(length)"
        case .badMagic(let magic):
            "unknown batch magic \(magic) (expected \(RecordBatchHeader.magicValue), Sluice's, or "
                + "\(RecordBatchHeader.kafkaMagicValue), Kafka's v2)"
        case .crcMismatch(let stored, let computed):
            "CRC-32C mismatch: stored \(String(stored, radix: 16)), computed \(String(computed, radix: 16))"
        case .badRecordCount(let count, let delta): "record count \(count) does not match last offset delta \(delta)"
        case .tooLarge(let size, let limit): "batch of \(size) bytes exceeds the limit of \(limit)"
        case .timestampOutOfRange(let timestamp, let lowest, let highest):
            "timestamp \(timestamp) is out of range: it should be within [\(lowest), \(highest)]"
        }
    }

    /// The Kafka error code a producer gets for this problem.
    public var errorCode: ErrorCode {
        switch self {
        case .tooLarge: .messageTooLarge
        case .timestampOutOfRange: .invalidTimestamp
        default: .corruptMessage
        }
    }
}

extension RecordBatchHeader {
    /// Smallest legal `batchLength`: the header after the length field, with no records.
    public static let minimumBatchLength = Int32(size - lengthFieldEnd)

    /// Validates the batch at the start of `bytes`: length, magic (Sluice's 1 or Kafka's 2), record count and CRC.
    ///
    /// Returns the header and the batch's total size. Touches each byte once (the CRC); decodes no record.
    @inlinable
    public static func validate(
        _ bytes: UnsafeRawBufferPointer, maxBatchBytes: Int = Int(Int32.max)
    ) -> Result<RecordBatchHeader, BatchProblem> {
        guard let header = RecordBatchHeader(parsing: bytes) else {
            return .failure(.truncated(available: bytes.count, needed: size))
        }
        guard header.batchLength >= minimumBatchLength else { return .failure(.badLength(header.batchLength)) }
        let total = header.totalSize
        guard total <= maxBatchBytes else { return .failure(.tooLarge(size: total, limit: maxBatchBytes)) }
        guard total <= bytes.count else { return .failure(.truncated(available: bytes.count, needed: total)) }
        guard isStoredMagic(header.magic) else { return .failure(.badMagic(header.magic)) }
        guard header.recordCount >= 1, header.lastOffsetDelta >= 0,
            Int64(header.recordCount) == Int64(header.lastOffsetDelta) + 1
        else {
            return .failure(.badRecordCount(count: header.recordCount, lastOffsetDelta: header.lastOffsetDelta))
        }
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[crcRangeStart..<total]))
        guard computed == header.crc else { return .failure(.crcMismatch(stored: header.crc, computed: computed)) }
        return .success(header)
    }
}
