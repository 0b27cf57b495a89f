import SluiceClient
import SluiceWire

/// Everything the accumulator guards with its one lock: the deques, the metadata `send` needs to pick a
/// partition, sticky choices, flush waiters and the close state. Touched only inside `Mutex.withLock`.
struct AccumulatorState {
    /// Per-partition deques. Bound: partitions sent to.
    var queues: [TopicPartition: PartitionQueue] = [:]
    /// The same deques in creation order: the sender drains round-robin from a per-node cursor
    /// (Kafka's `drainIndex`), so no partition starves.
    var drainOrder: [PartitionQueue] = []
    var drainCursor: [Int32: Int] = [:]
    /// Topic layouts from Metadata and the topics' deques. Bound: topics sent to.
    var topics: [String: TopicEntry] = [:]
    /// Brokers from Metadata, by node id.
    var brokers: [Int32: BrokerInfo] = [:]
    var sticky: StickyPartitions
    var nextBatchId: UInt64 = 0
    /// Batches created and not yet completed (acknowledged or failed for good), in the deques or in flight.
    var incompleteBatches = 0
    /// Bound: concurrent `flush()`/`close()` callers.
    var flushWaiters: [FlushWaiter] = []
    var flushesInProgress = 0
    var nextWaiterId: UInt64 = 0
    /// Waiter ids handed out but not registered yet; `true` once expired before registration.
    var announcedWaiters: [UInt64: Bool] = [:]
    /// An idempotent sequence broke (OUT_OF_ORDER_SEQUENCE_NUMBER on the next expected batch, or a sequenced
    /// batch failed for good, so the broker may or may not have it): once nothing is in flight the sender gets
    /// a new producer id and every partition's sequences restart from 0 (`resetSequences`) — Kafka's
    /// idempotent producer resets its producer id (epoch bump, KIP-360) the same way. No batch is drained
    /// meanwhile.
    var identityResetRequested = false
    /// Batches leased to runs of `send(contentsOf:)` and not given back yet (see `BatchLease`).
    var outstandingLeases = 0
    /// `close()` began: appends fail with `.closed`.
    var isClosed = false
    /// `close()` drains: every batch is ready (reason `flush`).
    var isClosing = false

    init(stickySeed: UInt64) {
        self.sticky = StickyPartitions(seed: stickySeed)
    }
}
