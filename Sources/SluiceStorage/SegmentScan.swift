/// One segment's part of a header scan, captured under the log's lock and walked outside it.
struct SegmentScan: Sendable {
    var file: FileDescriptor
    /// A batch start at or before the first batch wanted (the sparse index's entry, or 0).
    var startPosition: Int
    /// The segment's committed size when captured: bytes past it may be mid-write.
    var endPosition: Int
}
