/// What one retention pass deleted.
public struct RetentionResult: Sendable, Hashable {
    /// Segments deleted because their newest batch was older than `log.retention.ms`.
    public var segmentsDeletedByTime: Int
    /// Segments deleted to bring the log under `log.retention.bytes`.
    public var segmentsDeletedBySize: Int
    /// Bytes of segment files deleted.
    public var bytesDeleted: Int64
    /// The log start offset before the pass.
    public var previousLogStartOffset: Int64
    /// The log start offset after the pass.
    public var logStartOffset: Int64

    /// Segments deleted, for either reason.
    public var segmentsDeleted: Int { segmentsDeletedByTime + segmentsDeletedBySize }

    /// Memberwise.
    public init(
        segmentsDeletedByTime: Int, segmentsDeletedBySize: Int, bytesDeleted: Int64, previousLogStartOffset: Int64,
        logStartOffset: Int64
    ) {
        self.segmentsDeletedByTime = segmentsDeletedByTime
        self.segmentsDeletedBySize = segmentsDeletedBySize
        self.bytesDeleted = bytesDeleted
        self.previousLogStartOffset = previousLogStartOffset
        self.logStartOffset = logStartOffset
    }
}
