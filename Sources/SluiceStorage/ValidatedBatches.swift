/// Batches that passed `PartitionLog.validateForAppend` (length, magic, record count, CRC-32C,
/// `message.max.bytes`): the proof a caller hands back to `appendAsLeader(_:validated:leaderEpoch:nowMs:)`
/// so the CRC is computed once even when the caller inspects the headers in between (the broker's
/// idempotent-producer check).
///
/// Valid only for the very buffer it was made from, unchanged except for what the log itself stamps
/// (base offset and leader epoch lie outside the CRC's range); the append checks the byte count.
public struct ValidatedBatches: Sendable, Hashable {
    let summary: BatchSetSummary

    init(summary: BatchSetSummary) {
        precondition(summary.batchCount >= 1, "a validated set holds at least one batch")
        self.summary = summary
    }

    /// Batches in the buffer.
    public var batchCount: Int { summary.batchCount }
    /// Records in the buffer, summed over the batches' record counts.
    public var recordCount: Int64 { summary.recordCount }
    /// Bytes of the buffer: the batches back to back.
    public var totalBytes: Int { summary.totalBytes }
    /// Batches carrying a producer id (idempotent producers; `producerId >= 0`).
    public var producerBatchCount: Int { summary.producerBatchCount }
}
