/// A segment that just stopped being active: fsynced after the log's lock is released ("flush on roll"),
/// then the recovery point advances to `flushedThrough` unless a truncation intervened.
struct RolledSegment: Sendable {
    var files: [FileDescriptor]
    var flushedThrough: Int64
    var newBaseOffset: Int64
    var generation: UInt64
}
