extension BrokerMetrics {
    /// `segments` log segments holding `bytes` were deleted for `reason`:
    /// `sluice_log_segments_deleted_total{reason}` and `sluice_log_segments_deleted_bytes_total{reason}`.
    public func recordSegmentsDeleted(reason: LogDeletionReason, segments: Int, bytes: Int64) {
        precondition(segments >= 0, "negative deletion: \(segments) segments")
        precondition(bytes >= 0, "negative deletion: \(bytes) bytes")
        guard segments > 0 || bytes > 0 else { return }
        let counters = segmentDeletions[reason]
        counters.segments.increment(by: Int64(segments))
        counters.bytes.increment(by: bytes)
    }
}
