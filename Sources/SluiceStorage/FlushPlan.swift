/// The descriptors a flush syncs outside the lock, and what it may then record.
struct FlushPlan: Sendable {
    var files: [FileDescriptor]
    var syncDirectory: Bool
    /// The log end offset when the plan was made: everything below it is durable after the syncs.
    var flushedThrough: Int64
    var recordsFlushed: Int64
    var generation: UInt64
}
