import NIOCore
import SluiceWire

/// One validation pass over the batches of an append: every batch checked whole (length, magic,
/// record count, CRC-32C, size limit) before a byte is written, and their totals.
struct BatchSetSummary: Sendable, Hashable {
    var batchCount = 0
    var recordCount: Int64 = 0
    var totalBytes = 0
    var maxTimestamp: Int64 = -1
    /// The first batch's base offset as sent (the leader's, for a follower append).
    var firstBaseOffset: Int64 = 0
    /// The last batch's last offset as sent.
    var lastOffsetAsSent: Int64 = 0
    /// Batches with a producer id (`producerId >= 0`): the idempotent producer's, checked by the broker.
    var producerBatchCount = 0

    /// Validates every batch in `bytes` (all of it must be whole batches). With `contiguousOffsets`
    /// (follower appends), each batch must start where the previous one ended.
    /// `timestamps` (leader appends): the CreateTime window every batch's first and largest timestamp must lie
    /// in (`NO_TIMESTAMP` -1 passes, as in Kafka).
    static func validate(
        _ bytes: UnsafeRawBufferPointer, maxBatchBytes: Int, contiguousOffsets: Bool,
        timestamps: ClosedRange<Int64>? = nil
    ) throws(AppendError) -> BatchSetSummary {
        var summary = BatchSetSummary()
        var position = 0
        // Bound: each pass consumes one whole batch (at least a header's bytes) of a finite buffer.
        while position < bytes.count || summary.batchCount == 0 {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
            let header: RecordBatchHeader
            switch RecordBatchHeader.validate(rest, maxBatchBytes: maxBatchBytes) {
            case .success(let valid): header = valid
            case .failure(let problem):
                throw .invalidBatch(index: summary.batchCount, position: position, problem: problem)
            }
            if let timestamps, let outside = Self.timestampOutside(timestamps, header) {
                throw .invalidBatch(
                    index: summary.batchCount, position: position,
                    problem: .timestampOutOfRange(
                        timestamp: outside, lowest: timestamps.lowerBound, highest: timestamps.upperBound))
            }
            if contiguousOffsets, summary.batchCount > 0, header.baseOffset != summary.lastOffsetAsSent + 1 {
                throw .unexpectedOffset(expected: summary.lastOffsetAsSent + 1, actual: header.baseOffset)
            }
            summary.add(header)
            position += header.totalSize
        }
        assert(position == bytes.count, "validated batches cover the buffer")
        return summary
    }

    /// The first of the batch's first and largest timestamps outside `window`; nil when both are in it.
    private static func timestampOutside(_ window: ClosedRange<Int64>, _ header: RecordBatchHeader) -> Int64? {
        if header.firstTimestamp != -1, !window.contains(header.firstTimestamp) { return header.firstTimestamp }
        if header.maxTimestamp != -1, !window.contains(header.maxTimestamp) { return header.maxTimestamp }
        return nil
    }

    private mutating func add(_ header: RecordBatchHeader) {
        if batchCount == 0 { firstBaseOffset = header.baseOffset }
        batchCount += 1
        recordCount += Int64(header.recordCount)
        totalBytes += header.totalSize
        maxTimestamp = max(maxTimestamp, header.maxTimestamp)
        lastOffsetAsSent = header.lastOffset
        if header.producerId >= 0 { producerBatchCount += 1 }
    }
}
