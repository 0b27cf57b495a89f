/// Why log segments were deleted: the `reason` label of `sluice_log_segments_deleted_total` and
/// `sluice_log_segments_deleted_bytes_total`. Every case's series exists, at zero, from start.
public enum LogDeletionReason: String, Sendable, Hashable, CaseIterable {
    /// The segment's newest batch was older than `log.retention.ms` (topic: `retention.ms`).
    case retentionMs = "retention_ms"
    /// The log was larger than `log.retention.bytes` (topic: `retention.bytes`).
    case retentionBytes = "retention_bytes"
    /// A truncation of the log's end (a follower's divergent tail, or a restart at the leader's log start).
    case truncation
}
