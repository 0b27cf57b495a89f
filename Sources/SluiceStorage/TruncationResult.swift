/// What one truncation (a follower cutting its divergent tail, or emptying its log to restart at the
/// leader's start) removed: reported to `LogObserver.truncated`, counted as
/// `sluice_log_segments_deleted_total{reason="truncation"}` and `sluice_log_segments_deleted_bytes_total`.
public struct TruncationResult: Sendable, Hashable {
    /// Whole segments deleted (a segment cut part-way stays and is not counted).
    public var segmentsDeleted: Int
    /// Bytes of those deleted segments.
    public var bytesDeleted: Int64
    /// Offsets dropped from the end of the log.
    public var offsetsDropped: Int64
    /// The log end offset after the truncation.
    public var logEndOffset: Int64
    /// The log start offset after the truncation.
    public var logStartOffset: Int64

    /// Memberwise.
    public init(
        segmentsDeleted: Int, bytesDeleted: Int64, offsetsDropped: Int64, logEndOffset: Int64, logStartOffset: Int64
    ) {
        precondition(segmentsDeleted >= 0 && bytesDeleted >= 0 && offsetsDropped >= 0, "negative truncation counts")
        self.segmentsDeleted = segmentsDeleted
        self.bytesDeleted = bytesDeleted
        self.offsetsDropped = offsetsDropped
        self.logEndOffset = logEndOffset
        self.logStartOffset = logStartOffset
    }
}
