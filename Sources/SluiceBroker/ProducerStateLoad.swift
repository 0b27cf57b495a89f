/// What loading a partition's producer state found: the snapshot used, the batches replayed after it, and
/// the snapshot files dropped (beyond the log end after recovery or truncation, or unreadable).
struct ProducerStateLoad: Sendable, Hashable {
    /// Offset of the snapshot the state started from; nil when it was rebuilt from the log start.
    var snapshotOffset: Int64?
    /// Batch headers replayed from the snapshot offset (or the log start) to the log end offset.
    var batchesReplayed: Int
    /// Producers known after the load.
    var producerCount: Int
    /// Snapshots deleted because they lay beyond the log end offset.
    var snapshotsBeyondLogEnd: Int
    /// Snapshots deleted because they did not decode (corrupt or from an unknown version).
    var snapshotsUnreadable: Int
}
