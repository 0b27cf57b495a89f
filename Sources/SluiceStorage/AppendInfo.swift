/// What an append wrote: the offsets assigned, the bytes, the largest timestamp.
public struct AppendInfo: Sendable, Hashable {
    /// Offset of the first record written (the first batch's base offset).
    public var firstOffset: Int64
    /// Offset of the last record written.
    public var lastOffset: Int64
    /// Records written, summed over the batches' record counts.
    public var recordCount: Int64
    /// Batches written.
    public var batchCount: Int
    /// The largest `maxTimestamp` among the batches.
    public var maxTimestamp: Int64
    /// Bytes written to the segment file.
    public var bytes: Int
    /// Kafka's produce-response `log_append_time_ms`: -1, because Sluice keeps the producer's
    /// CreateTime (it has no `message.timestamp.type=LogAppendTime`).
    public var logAppendTimeMs: Int64
    /// The log start offset after the append (Kafka's produce response carries it).
    public var logStartOffset: Int64

    /// Memberwise; the log builds these, tests and the broker may too.
    public init(
        firstOffset: Int64, lastOffset: Int64, recordCount: Int64, batchCount: Int, maxTimestamp: Int64, bytes: Int,
        logAppendTimeMs: Int64, logStartOffset: Int64
    ) {
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.recordCount = recordCount
        self.batchCount = batchCount
        self.maxTimestamp = maxTimestamp
        self.bytes = bytes
        self.logAppendTimeMs = logAppendTimeMs
        self.logStartOffset = logStartOffset
    }
}
