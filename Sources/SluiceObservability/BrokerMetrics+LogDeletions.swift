extension BrokerMetrics {
    /// `segments` log segments holding `bytes` were deleted for `reason`:
    /// `sluice_log_segments_deleted_total{reason}` and `sluice_log_segments_deleted_bytes_total{reason}`.
    public func recordSegmentsDeleted(reason: LogDeletionReason, segments: Int, bytes: Int64) {
        precondition(segments >= 0 && bytes >= 0, "negative deletion: \(segments) segments, \(bytes) bytes")
        guard let counters = segmentDeletions[reason] else {
            preconditionFailure("no deletion counters for reason=\(reason.rawValue)")
        }
        guard segments > 0 || bytes > 0 else { return }
        counters.segments.increment(by: Int64(segments))
        counters.bytes.increment(by: bytes)
    }
}
