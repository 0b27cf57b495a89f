/// What one retention pass deleted, by reason (`sluice_log_segments_deleted_total{reason}` and
/// `sluice_log_segments_deleted_bytes_total{reason}` count it).
public struct RetentionResult: Sendable, Hashable {
    /// Segments deleted because their newest batch was older than `log.retention.ms` (reason `retention_ms`).
    public var segmentsDeletedByTime: Int
    /// Segments deleted to bring the log under `log.retention.bytes` (reason `retention_bytes`).
    public var segmentsDeletedBySize: Int
    /// Bytes of the segments deleted by `log.retention.ms`.
    public var bytesDeletedByTime: Int64
    /// Bytes of the segments deleted by `log.retention.bytes`.
    public var bytesDeletedBySize: Int64
    /// The log start offset before the pass.
    public var previousLogStartOffset: Int64
    /// The log start offset after the pass.
    public var logStartOffset: Int64

    /// Segments deleted, for either reason.
    public var segmentsDeleted: Int { segmentsDeletedByTime + segmentsDeletedBySize }
    /// Bytes of segment files deleted, for either reason.
    public var bytesDeleted: Int64 { bytesDeletedByTime + bytesDeletedBySize }

    /// Memberwise.
    public init(
        segmentsDeletedByTime: Int, segmentsDeletedBySize: Int, bytesDeletedByTime: Int64, bytesDeletedBySize: Int64,
        previousLogStartOffset: Int64, logStartOffset: Int64
    ) {
        precondition(segmentsDeletedByTime >= 0 && segmentsDeletedBySize >= 0, "negative segment counts")
        precondition(bytesDeletedByTime >= 0 && bytesDeletedBySize >= 0, "negative byte counts")
        self.segmentsDeletedByTime = segmentsDeletedByTime
        self.segmentsDeletedBySize = segmentsDeletedBySize
        self.bytesDeletedByTime = bytesDeletedByTime
        self.bytesDeletedBySize = bytesDeletedBySize
        self.previousLogStartOffset = previousLogStartOffset
        self.logStartOffset = logStartOffset
    }
}
