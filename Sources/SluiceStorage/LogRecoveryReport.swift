/// What opening a partition log found and repaired; the broker turns it into the `log_recovered`
/// journald event (TOPIC, PARTITION, SEGMENTS, TRUNCATED_BYTES) and a log line.
public struct LogRecoveryReport: Sendable, Hashable {
    /// The partition's topic (journald TOPIC).
    public var topic: String
    /// The partition number (journald PARTITION).
    public var partition: Int32
    /// Whether the previous run closed the log cleanly (the marker was there), so no segment needed a scan.
    public var hadCleanShutdown: Bool
    /// Segments whose batches were read and validated (CRC, lengths, offsets) and whose indexes were rebuilt.
    public var segmentsScanned: Int
    /// Bytes removed: a torn or corrupt tail cut off a segment, plus every later segment deleted whole.
    public var truncatedBytes: Int64
    /// Later segments deleted because an earlier one was cut.
    public var segmentsDeleted: Int
    /// Why the first cut was made (e.g. a CRC mismatch at a byte of a file); nil when nothing was cut.
    public var firstProblem: String?
    /// The recovery point the scan started from (nil: no checkpoint, every segment was scanned).
    public var recoveryPointCheckpoint: Int64?
    /// The log start offset after recovery.
    public var logStartOffset: Int64
    /// The log end offset after recovery: the last valid batch's last offset + 1.
    public var logEndOffset: Int64
    /// The high watermark from its checkpoint, clamped to the recovered log.
    public var highWatermark: Int64

    /// Memberwise.
    public init(
        topic: String, partition: Int32, hadCleanShutdown: Bool, segmentsScanned: Int, truncatedBytes: Int64,
        segmentsDeleted: Int, firstProblem: String?, recoveryPointCheckpoint: Int64?, logStartOffset: Int64,
        logEndOffset: Int64, highWatermark: Int64
    ) {
        self.topic = topic
        self.partition = partition
        self.hadCleanShutdown = hadCleanShutdown
        self.segmentsScanned = segmentsScanned
        self.truncatedBytes = truncatedBytes
        self.segmentsDeleted = segmentsDeleted
        self.firstProblem = firstProblem
        self.recoveryPointCheckpoint = recoveryPointCheckpoint
        self.logStartOffset = logStartOffset
        self.logEndOffset = logEndOffset
        self.highWatermark = highWatermark
    }
}
