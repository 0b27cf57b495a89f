import NIOCore
import SluiceClient
import SluiceObservability
import SluiceWire
import Synchronization

/// Per-partition deques of batches that `send` appends to and the sender drains (Kafka's `RecordAccumulator`).
///
/// This file holds the accumulator's state and every change to it: appends, leases, the sender's `ready` and
/// `drain`, answers (`resolve`, `retire`, expiry), flush waiters and the identity reset. Its other files
/// stand alone once this one is known: `+Decisions` (the pure readiness and delivery rules), `+Metadata`
/// (topic layouts and brokers from Metadata) and `BatchLease.swift` (the lock-free side of a lease).
///
/// Locking: one `Mutex` guards all of it (`AccumulatorState`). A `send` takes it once: the partition's
/// metadata, the sticky choice and the append happen under that single acquisition (a custom partitioner
/// adds one more, to read the partition count before it runs outside the lock). Opening a new batch also
/// takes the pool's lock, nested (once per batch, not per record). `send(contentsOf:)` takes it per leased
/// batch instead of per record (`BatchLease`). No `await` happens under the lock; the sender takes it once
/// per `ready`, once per node's `drain`, and twice per completed batch.
///
/// Bounds: memory by `buffer.memory` (the `BufferPool`); one deque per partition sent to; batch sizes by
/// `batch.size` (a larger record gets a batch of its own, up to `max.request.size`).
///
/// Counters and who changes them (all in this file):
/// - `incompleteBatches`: +1 when a batch opens (`openBatch`) or a split adds one (`requeueSplit`), -1 when
///   a batch is retired (`retire`); flush waiters count down with it.
/// - `PartitionQueue.queuedRecords`: + on append, lease return and re-enqueue, - on drain and expiry.
/// - `PartitionQueue.inFlightBatches`: +1 on drain (`take`), -1 on an answer (`resolve`) or `abandon`.
/// - `outstandingLeases`: +1 per lease taken, -1 per lease given back (`giveBack`).
@usableFromInline
final class RecordAccumulator: Sendable {
    let settings: AccumulatorSettings
    let pool: BufferPool
    let metrics: ProducerMetrics
    /// Woken when a batch becomes full or opens, and when a flush or close begins.
    @usableFromInline let wakeup: SenderWakeup
    let state: Mutex<AccumulatorState>

    init(
        settings: AccumulatorSettings, pool: BufferPool, metrics: ProducerMetrics, wakeup: SenderWakeup,
        stickySeed: UInt64 = UInt64.random(in: 0...UInt64.max)
    ) {
        self.settings = settings
        self.pool = pool
        self.metrics = metrics
        self.wakeup = wakeup
        self.state = Mutex(AccumulatorState(stickySeed: stickySeed))
    }
}

// MARK: - State

/// Everything the accumulator guards with its one lock: the deques, the metadata `send` needs to pick a
/// partition, sticky choices, flush waiters and the close state. Touched only inside `Mutex.withLock`, and
/// changed only by `RecordAccumulator` (tests read it).
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
    fileprivate var flushWaiters: [FlushWaiter] = []
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

/// The accumulator's limits, from `ProducerConfig` (each field names its Kafka key).
struct AccumulatorSettings: Sendable, Hashable {
    /// batch.size: pooled buffer size and the size at which a batch is full.
    var batchSizeBytes: Int
    /// linger.ms: how long an open batch waits for more records.
    var lingerMs: Int64
    /// retry.backoff.ms: how long a re-enqueued batch waits before it is sent again.
    var retryBackoffMs: Int64
    /// delivery.timeout.ms: from a batch's opening to its failure when still not acknowledged.
    var deliveryTimeoutMs: Int64
    /// max.request.size: bytes of batches drained into one request (a single larger batch goes alone).
    var maxRequestSizeBytes: Int
    /// max.in.flight.requests.per.connection: also the per-partition bound; 1 keeps strict order.
    var maxInFlightPerPartition: Int

    init(_ config: ProducerConfig) {
        self.init(
            batchSizeBytes: config.batchSizeBytes, lingerMs: config.lingerMs, retryBackoffMs: config.retryBackoffMs,
            deliveryTimeoutMs: config.deliveryTimeoutMs, maxRequestSizeBytes: config.maxRequestSizeBytes,
            maxInFlightPerPartition: config.maxInFlightRequestsPerConnection)
    }

    init(
        batchSizeBytes: Int, lingerMs: Int64, retryBackoffMs: Int64, deliveryTimeoutMs: Int64,
        maxRequestSizeBytes: Int, maxInFlightPerPartition: Int
    ) {
        precondition(batchSizeBytes > 0, "batch.size must be positive")
        precondition(lingerMs >= 0, "linger.ms must not be negative")
        precondition(maxInFlightPerPartition > 0, "max.in.flight.requests.per.connection must be positive")
        self.batchSizeBytes = batchSizeBytes
        self.lingerMs = lingerMs
        self.retryBackoffMs = retryBackoffMs
        self.deliveryTimeoutMs = deliveryTimeoutMs
        self.maxRequestSizeBytes = maxRequestSizeBytes
        self.maxInFlightPerPartition = maxInFlightPerPartition
    }
}

/// One partition's deque of batches and its idempotence state (Kafka's per-partition `Deque<ProducerBatch>`
/// plus `TxnPartitionEntry`).
///
/// A reference type that lives only inside the accumulator's `Mutex` and is touched only with the lock held;
/// it never escapes it (so it needs no `Sendable`). The deque is `sealed` (closed for appends, oldest first,
/// retries in front) followed by `open` (the one batch appends go to).
/// Bound: `buffer.memory` / `batch.size` batches across all partitions.
///
/// The hot fields are `@exclusivity(unchecked)`: the accumulator's lock already serializes every access, so
/// the runtime's dynamic exclusivity bookkeeping would only cost time on each append.
final class PartitionQueue {
    let topicPartition: TopicPartition
    /// `sluice_producer_accumulator_batches`/`_records` of this partition.
    let gauges: ProducerPartitionGauges
    /// Batches closed for appends, oldest first; re-enqueued retries go in front, in sequence order.
    @exclusivity(unchecked) var sealed = CircularBuffer<ProducerBatch>(initialCapacity: 4)
    /// The batch records are appended to, if any.
    @exclusivity(unchecked) var open: ProducerBatch?
    /// Records in `sealed` and `open`.
    @exclusivity(unchecked) var queuedRecords = 0
    /// Batches of this partition sent and not yet answered. Bound: `max.in.flight.requests.per.connection`.
    var inFlightBatches = 0
    /// Idempotence: the sequence the next new batch gets (Kafka: `nextSequence`).
    var nextSequence: Int32 = 0
    /// Idempotence: the sequence after the last acknowledged batch; a batch with a later base sequence that
    /// gets OUT_OF_ORDER_SEQUENCE_NUMBER is waiting for an earlier retry, not broken.
    var nextAcknowledgedSequence: Int32 = 0

    init(topicPartition: TopicPartition, gauges: ProducerPartitionGauges) {
        self.topicPartition = topicPartition
        self.gauges = gauges
    }

    /// Batches waiting (sealed and open).
    var batchCount: Int { sealed.count + (open == nil ? 0 : 1) }

    /// The batch the sender would take next.
    var head: ProducerBatch? { sealed.first ?? open }

    /// Seals the open batch (a record did not fit, or a new sticky batch starts): it becomes `full`.
    /// Returns whether there was one.
    @discardableResult
    func sealOpenBatch() -> Bool {
        guard var batch = open else { return false }
        open = nil
        batch.isClosedForAppends = true
        sealed.append(batch)
        return true
    }

    /// Removes and returns the head batch.
    func takeHead() -> ProducerBatch {
        if !sealed.isEmpty { return sealed.removeFirst() }
        guard let batch = open else { preconditionFailure("takeHead on the empty deque of \(topicPartition)") }
        open = nil
        return batch
    }

    /// Puts a batch back after a retriable error: in front, behind earlier-sequenced retries (Kafka's
    /// `insertInSequenceOrder`), so retries go out in sequence order.
    func reenqueue(_ batch: ProducerBatch) {
        var index = sealed.startIndex
        while index < sealed.endIndex, sealed[index].attempts > 0, sealed[index].baseSequence >= 0,
            batch.baseSequence >= 0, sealed[index].baseSequence < batch.baseSequence
        {
            index = sealed.index(after: index)
        }
        sealed.insert(batch, at: index)
    }

    /// Publishes the deque's depth to the partition gauges (an atomic store each).
    func publishGauges() {
        gauges.update(batches: batchCount, records: queuedRecords)
    }
}

/// One topic in the accumulator: its metadata and its partitions' deques by index, so a `send` finds both
/// with a single hash of the topic name. Lives only inside the accumulator's lock, like `PartitionQueue`.
final class TopicEntry {
    /// From the last Metadata answer; nil until known, or after the topic was reported unknown.
    @exclusivity(unchecked) var layout: TopicLayout?
    /// Deques by partition index, created on first use. Bound: the topic's partition count.
    @exclusivity(unchecked) fileprivate var queues: [PartitionQueue?] = []

    init(layout: TopicLayout?) {
        self.layout = layout
    }

    /// The deque of `partition`, if one was created.
    fileprivate func queue(_ partition: Int32) -> PartitionQueue? {
        let index = Int(partition)
        return index < queues.count ? queues[index] : nil
    }
}

/// A `flush()` or `close()` waiting for every batch created before it to complete.
///
/// Every incomplete batch at registration has an id up to `lastBatchId`; each completion of such a batch
/// lowers `remaining`, and the waiter resumes at zero (`true`) or when its timeout expires (`false`).
private struct FlushWaiter {
    let id: UInt64
    let lastBatchId: UInt64
    var remaining: Int
    /// A flush makes every batch ready (reason `flush`) while it waits; a close does that through `isClosing`.
    let isFlush: Bool
    let continuation: CheckedContinuation<Bool, Never>
}

/// A buffer a `send` got from the pool after waiting, carried into its next append attempt; given back to
/// the pool when that attempt finds room in an existing batch instead.
@usableFromInline
struct ReservedMemory: Sendable {
    @usableFromInline let buffer: ByteBuffer
    /// Bytes of `buffer.memory` it accounts for.
    @usableFromInline let bytes: Int

    @inlinable
    init(buffer: ByteBuffer, bytes: Int) {
        self.buffer = buffer
        self.bytes = bytes
    }
}

extension RecordAccumulator {
    /// The deque of `topicPartition`, created (with its gauges) the first time. Caller holds the lock.
    private func queue(for topicPartition: TopicPartition, in state: inout AccumulatorState) -> PartitionQueue {
        if let existing = state.queues[topicPartition] { return existing }
        let entry = topicEntry(topicPartition.topic, in: &state)
        return queue(in: entry, topic: topicPartition.topic, partition: topicPartition.partition, state: &state)
    }

    /// The deque of `partition` of the topic `entry`, created the first time (the append path: no hashing
    /// once the topic's entry is found). Caller holds the lock.
    private func queue(
        in entry: TopicEntry, topic: String, partition: Int32, state: inout AccumulatorState
    ) -> PartitionQueue {
        if let existing = entry.queue(partition) { return existing }
        let topicPartition = TopicPartition(topic: topic, partition: partition)
        let gauges = metrics.partition(topic: topic, partition: partition)
        let created = PartitionQueue(topicPartition: topicPartition, gauges: gauges)
        if entry.queues.count <= Int(partition) {
            entry.queues += Array(repeating: nil, count: Int(partition) + 1 - entry.queues.count)
        }
        entry.queues[Int(partition)] = created
        state.queues[topicPartition] = created
        state.drainOrder.append(created)
        return created
    }

    /// The entry of `topic`, created (without layout) the first time. Caller holds the lock.
    func topicEntry(_ topic: String, in state: inout AccumulatorState) -> TopicEntry {
        if let existing = state.topics[topic] { return existing }
        let created = TopicEntry(layout: nil)
        state.topics[topic] = created
        return created
    }

    /// The leader node of a partition per the current metadata, if it has one the broker list knows.
    private func leader(of topicPartition: TopicPartition, in state: borrowing AccumulatorState) -> Int32? {
        guard let leader = state.topics[topicPartition.topic]?.layout?.leader(of: topicPartition.partition),
            state.brokers[leader] != nil
        else { return nil }
        return leader
    }

    /// The readiness pressure of the whole accumulator now. Caller holds the lock.
    private static func pressure(
        _ state: borrowing AccumulatorState, isMemoryExhausted: Bool
    ) -> BatchReadiness.Pressure {
        BatchReadiness.Pressure(
            isFlushing: state.flushesInProgress > 0, isClosing: state.isClosing, isMemoryExhausted: isMemoryExhausted)
    }
}

// MARK: - Append (`send`)

extension RecordAccumulator {
    /// One record to append: serialized bytes (valid only during the call) and what to keep about it.
    ///
    /// `@unchecked Sendable`: it holds the serializers' lent pointers, which are only read synchronously by
    /// `append` (copied into the batch buffer) and never stored; everything else in it is Sendable.
    @usableFromInline
    struct AppendRequest: @unchecked Sendable {
        @usableFromInline let topic: String
        @usableFromInline let choice: PartitionChoice
        @usableFromInline let key: UnsafeRawBufferPointer?
        @usableFromInline let value: UnsafeRawBufferPointer?
        /// The record's headers, and their encoded bytes (computed once here, used by every size check).
        @usableFromInline let headers: [RecordHeader]
        @usableFromInline let headersBytes: Int
        /// Encoded bytes of `headers` in a native record (`ProducerBatch+Encoding`).
        @usableFromInline
        static func encodedBytes(of headers: [RecordHeader]) -> Int { ProducerBatch.headersBytes(headers) }
        /// CreateTime, ms since the epoch.
        @usableFromInline let timestamp: Int64
        /// Monotonic time of the `send` call.
        @usableFromInline let nowNanos: Int64
        /// Keep a `RecordCompletion` (a callback, a sync waiter or interceptors listen).
        @usableFromInline let storesCompletion: Bool
        @usableFromInline let callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?

        @inlinable
        init(
            topic: String, choice: PartitionChoice, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
            headers: [RecordHeader] = [], headersBytes: Int = 0, timestamp: Int64, nowNanos: Int64,
            storesCompletion: Bool, callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
        ) {
            self.topic = topic
            self.choice = choice
            self.key = key
            self.value = value
            self.headers = headers
            self.headersBytes = headersBytes
            self.timestamp = timestamp
            self.nowNanos = nowNanos
            self.storesCompletion = storesCompletion
            self.callback = callback
        }
    }

    /// Appends a record under one acquisition of the lock: resolve the partition (explicit, key hash or
    /// sticky), append to its open batch, or seal that batch and open a new one from the pool. Never waits:
    /// outcomes other than `.appended` tell the caller what to await before retrying.
    ///
    /// `reserved` is memory the caller waited for; it is used for a new batch or returned to the pool.
    @usableFromInline
    func append(_ request: AppendRequest, reserved: inout ReservedMemory?) -> AppendOutcome {
        let outcome = state.withLock { state -> AppendOutcome in
            guard !state.isClosed else { return .closed }
            guard let entry = state.topics[request.topic], let layout = entry.layout else { return .needsMetadata }
            guard
                var partition = Self.partition(
                    of: request.choice, topic: request.topic, layout: layout, afterSealed: nil, state: &state)
            else { return .invalidPartition(partitionCount: layout.partitionCount) }
            var queue = queue(in: entry, topic: request.topic, partition: partition, state: &state)
            if let becameFull = appendToOpenBatch(request, queue: queue) {
                return .appended(partition: partition, wakeSender: becameFull)
            }
            var sealed = queue.sealOpenBatch()
            if case .sticky = request.choice {
                let next = state.sticky.partitionAfterNewBatch(for: request.topic, layout: layout, previous: partition)
                if next != partition {
                    partition = next
                    queue = self.queue(in: entry, topic: request.topic, partition: partition, state: &state)
                    if let becameFull = appendToOpenBatch(request, queue: queue) {
                        return .appended(partition: partition, wakeSender: becameFull || sealed)
                    }
                    sealed = queue.sealOpenBatch() || sealed
                }
            }
            return appendToNewBatch(request, queue: queue, reserved: &reserved, state: &state)
                ?? .needsMemory(bytes: newBatchBytes(request))
        }
        if let unused = reserved, case .appended = outcome {
            reserved = nil
            pool.deallocate(unused.buffer, bytes: unused.bytes)
        }
        return outcome
    }

    /// The partition `choice` resolves to under the lock; nil for an explicit partition the topic lacks.
    /// `afterSealed`: a sticky choice moves on from this partition, whose batch just filled (KIP-480).
    private static func partition(
        of choice: PartitionChoice, topic: String, layout: TopicLayout, afterSealed: Int32?,
        state: inout AccumulatorState
    ) -> Int32? {
        switch choice {
        case .explicit(let given):
            guard given >= 0, given < layout.partitionCount else { return nil }
            return given
        case .keyHash(let hash):
            assert(hash >= 0, "key hashes are made positive before the lock")
            return hash % layout.partitionCount
        case .sticky:
            guard let previous = afterSealed else { return state.sticky.partition(for: topic, layout: layout) }
            return state.sticky.partitionAfterNewBatch(for: topic, layout: layout, previous: previous)
        }
    }

    /// Bytes of `buffer.memory` a new batch for this record takes: `batch.size`, or the record's own batch.
    private func newBatchBytes(_ request: AppendRequest) -> Int {
        let recordBytes = ProducerBatch.maximumRecordBytes(
            keyCount: request.key?.count, valueCount: request.value?.count, headersBytes: request.headersBytes)
        return max(settings.batchSizeBytes, RecordBatchHeader.size + recordBytes)
    }

    /// Appends to the open batch of `queue` when the record fits; returns whether the batch is now full,
    /// or nil when there is no open batch or no room. Caller holds the lock.
    private func appendToOpenBatch(_ request: AppendRequest, queue: PartitionQueue) -> Bool? {
        // No `let open = queue.open`: a copy alive during the append would share the buffer and make the
        // write copy the whole batch. Every access below goes through the stored property, in place.
        guard
            let recordBytes = queue.open?.nextRecordBytes(
                key: request.key, value: request.value, headersBytes: request.headersBytes,
                timestamp: request.timestamp),
            queue.open!.hasRoom(forRecordBytes: recordBytes)
        else { return nil }
        queue.open!.append(
            key: request.key, value: request.value, headers: request.headers, headersBytes: request.headersBytes,
            timestamp: request.timestamp, sendNanos: request.nowNanos,
            storesCompletion: request.storesCompletion, callback: request.callback)
        queue.queuedRecords += 1
        queue.publishGauges()
        return queue.open!.isFull
    }

    /// Opens a batch in `queue` with the reserved buffer or one from the pool, and appends the record to
    /// it; nil when the pool has no memory now. Caller holds the lock.
    private func appendToNewBatch(
        _ request: AppendRequest, queue: PartitionQueue, reserved: inout ReservedMemory?,
        state: inout AccumulatorState
    ) -> AppendOutcome? {
        assert(queue.open == nil, "a new batch opens only after the previous one is sealed")
        guard var batch = openBatch(for: request, in: queue, reserved: &reserved, state: &state) else { return nil }
        Self.appendFirst(request, to: &batch)
        queue.open = batch
        queue.queuedRecords += 1
        queue.publishGauges()
        return .appended(partition: queue.topicPartition.partition, wakeSender: true)
    }

    /// A new empty batch for `request`'s record in `queue`'s partition, with the reserved buffer or one from
    /// the pool (nil when the pool has no memory now); counted as incomplete from here. Caller holds the lock.
    private func openBatch(
        for request: AppendRequest, in queue: PartitionQueue, reserved: inout ReservedMemory?,
        state: inout AccumulatorState
    ) -> ProducerBatch? {
        let bytes = newBatchBytes(request)
        let buffer: ByteBuffer
        if let memory = reserved, memory.bytes == bytes {
            buffer = memory.buffer
            reserved = nil
        } else if let pooled = pool.tryAllocate(bytes: bytes) {
            buffer = pooled
        } else {
            return nil
        }
        state.nextBatchId += 1
        state.incompleteBatches += 1
        // The record's size as the first of a batch (deltas 0): records like it fill the batch to about
        // `expectedRecords`, so the per-record arrays are sized once (an upper-bound size would undercount and
        // make them grow, copying, mid-batch).
        let body = ProducerBatch.recordBodyBytes(
            offsetDelta: 0, timestampDelta: 0, keyCount: request.key?.count, valueCount: request.value?.count,
            headersBytes: request.headersBytes)
        let recordBytes = Varint.size(UInt64(body)) + body
        return ProducerBatch(
            id: state.nextBatchId, topicPartition: queue.topicPartition, buffer: buffer, allocatedBytes: bytes,
            writeLimitBytes: bytes, openedNanos: request.nowNanos, firstTimestamp: request.timestamp,
            expectedRecords: bytes / max(1, recordBytes) + 1)
    }

    /// Appends a record to a batch that has room for it (new, or checked by the caller).
    private static func appendFirst(_ request: AppendRequest, to batch: inout ProducerBatch) {
        batch.append(
            key: request.key, value: request.value, headers: request.headers, headersBytes: request.headersBytes,
            timestamp: request.timestamp, sendNanos: request.nowNanos,
            storesCompletion: request.storesCompletion, callback: request.callback)
    }
}

// MARK: - Leases (`send(contentsOf:)`)

extension RecordAccumulator {
    /// What `lease` came to.
    @usableFromInline
    enum LeaseOutcome: Sendable {
        /// The record appended to a leased batch, with the topic's partition count (for the run to cache).
        case leased(BatchLease, partitionCount: Int32)
        case needsMemory(bytes: Int)
        case needsMetadata
        case invalidPartition(partitionCount: Int32)
        case closed
    }

    /// Under one acquisition: gives back `full` (sealed: it had no room for this record), then finds the
    /// batch this record goes to, appends the record and leases the batch — the partition's open batch when
    /// the record fits, else a new one from `reserved` or the pool (the open one sealed). Sticky records follow
    /// `append`'s rule: when the sticky partition needs a new batch, switch partition first (KIP-480).
    ///
    /// Returns whether the sender must be woken (a batch was sealed) with the outcome; the caller signals
    /// outside the lock.
    @usableFromInline
    func lease(
        for request: AppendRequest, givingBack full: consuming BatchLease?, reserved: inout ReservedMemory?
    ) -> (LeaseOutcome, wakeSender: Bool) {
        let result = state.withLock { state -> (LeaseOutcome, Bool) in
            var sealed = false
            var afterFull: Int32?
            if let full {
                afterFull = full.partition
                Self.giveBack(full, sealing: true, state: &state)
                sealed = true
            }
            guard !state.isClosed else { return (.closed, sealed) }
            guard let entry = state.topics[request.topic], let layout = entry.layout else {
                return (.needsMetadata, sealed)
            }
            guard
                var partition = Self.partition(
                    of: request.choice, topic: request.topic, layout: layout, afterSealed: afterFull, state: &state)
            else { return (.invalidPartition(partitionCount: layout.partitionCount), sealed) }
            var queue = queue(in: entry, topic: request.topic, partition: partition, state: &state)
            if let lease = takeOpenBatch(for: request, from: queue, state: &state) {
                return (.leased(lease, partitionCount: layout.partitionCount), sealed)
            }
            sealed = queue.sealOpenBatch() || sealed
            if case .sticky = request.choice, afterFull == nil {
                let next = state.sticky.partitionAfterNewBatch(for: request.topic, layout: layout, previous: partition)
                if next != partition {
                    partition = next
                    queue = self.queue(in: entry, topic: request.topic, partition: partition, state: &state)
                    if let lease = takeOpenBatch(for: request, from: queue, state: &state) {
                        return (.leased(lease, partitionCount: layout.partitionCount), sealed)
                    }
                    sealed = queue.sealOpenBatch() || sealed
                }
            }
            guard let lease = openLeasedBatch(for: request, in: queue, reserved: &reserved, state: &state) else {
                return (.needsMemory(bytes: newBatchBytes(request)), sealed)
            }
            return (.leased(lease, partitionCount: layout.partitionCount), sealed)
        }
        return (result.0, wakeSender: result.1)
    }

    /// Gives every lease back under one acquisition: a batch goes back as its deque's open batch, or sealed
    /// when it is full or another `send` opened a batch there meanwhile. Returns whether the sender must look
    /// again: a batch it has not seen (new), a full one, one past its linger, or a flush or close under way.
    @usableFromInline
    func returnLeases(_ leases: inout LeaseSet, nowNanos: Int64) -> Bool {
        guard !leases.isEmpty else { return false }
        let lingerNanos = settings.lingerMs * 1_000_000
        return state.withLock { state -> Bool in
            var wake = state.flushesInProgress > 0 || state.isClosing
            while let lease = leases.popLast() {
                let isNew = lease.isNew
                let openedNanos = lease.batch.openedNanos
                wake =
                    Self.giveBack(lease, sealing: false, state: &state) || wake || isNew
                    || nowNanos - openedNanos >= lingerNanos
            }
            return wake
        }
    }

    /// Whether leases are out (the sender's shutdown waits for them before failing what is queued).
    var hasOutstandingLeases: Bool { state.withLock { $0.outstandingLeases > 0 } }

    /// Puts a leased batch back in its deque; returns whether it went back sealed. Caller holds the lock.
    @discardableResult
    private static func giveBack(_ lease: consuming BatchLease, sealing: Bool, state: inout AccumulatorState) -> Bool {
        let queue = lease.queue
        var batch = lease.batch
        queue.queuedRecords += lease.appended
        state.outstandingLeases -= 1
        assert(state.outstandingLeases >= 0, "more leases returned than taken")
        let seals = sealing || batch.isFull || queue.open != nil
        if seals {
            batch.isClosedForAppends = true
            queue.sealed.append(batch)
        } else {
            queue.open = batch
        }
        queue.publishGauges()
        return seals
    }

    /// Leases the open batch of `queue` when the record fits it. Caller holds the lock.
    private func takeOpenBatch(
        for request: AppendRequest, from queue: PartitionQueue, state: inout AccumulatorState
    ) -> BatchLease? {
        guard
            let recordBytes = queue.open?.nextRecordBytes(
                key: request.key, value: request.value, headersBytes: request.headersBytes,
                timestamp: request.timestamp),
            queue.open!.hasRoom(forRecordBytes: recordBytes)
        else { return nil }
        var batch = queue.open.take()!
        // Appended before the batch leaves the lock: the run never mutates the copy of the lease that the
        // outcome carries out (that would copy the batch's buffer and completions).
        Self.appendFirst(request, to: &batch)
        state.outstandingLeases += 1
        return BatchLease(
            queue: queue, partition: queue.topicPartition.partition, batch: batch, appended: 1, isNew: false)
    }

    /// Opens a batch for `queue` with the reserved buffer or one from the pool, and leases it; nil when the
    /// pool has no memory now. Caller holds the lock.
    private func openLeasedBatch(
        for request: AppendRequest, in queue: PartitionQueue, reserved: inout ReservedMemory?,
        state: inout AccumulatorState
    ) -> BatchLease? {
        guard var batch = openBatch(for: request, in: queue, reserved: &reserved, state: &state) else { return nil }
        Self.appendFirst(request, to: &batch)
        state.outstandingLeases += 1
        return BatchLease(
            queue: queue, partition: queue.topicPartition.partition, batch: batch, appended: 1, isNew: true)
    }
}

// MARK: - Ready and drain (the sender)

/// The result of `RecordAccumulator.ready`: which leader nodes have sendable batches, how long the sender
/// may sleep before something else becomes sendable, and which topics lack a leader (refresh metadata).
struct ReadyCheck: Sendable, Hashable {
    /// Node ids with at least one sendable, drainable batch.
    var readyNodes: Set<Int32> = []
    /// Earliest linger, backoff or delivery-timeout deadline among batches not ready; nil when none waits.
    var nextCheckDelayMs: Int64?
    /// Topics with queued batches whose partition has no known leader.
    var unknownLeaderTopics: Set<String> = []
    /// The idempotent sequences broke: the sender drains nothing until it has a new producer id.
    var identityResetRequested = false

    /// Lowers `nextCheckDelayMs` to `delayMs` when that is earlier.
    mutating func checkAgain(afterMs delayMs: Int64) {
        nextCheckDelayMs = min(nextCheckDelayMs ?? delayMs, max(0, delayMs))
    }
}

extension RecordAccumulator {
    /// Which leader nodes have a sendable batch now, and how long until another batch may become sendable
    /// (Kafka's `RecordAccumulator.ready`). Each head batch is judged by the pure `BatchReadiness.evaluate`;
    /// partitions whose ordering forbids a send now (`isDrainable`) are skipped — an answer wakes the sender
    /// for them. A partition without a known leader puts its topic in `unknownLeaderTopics`.
    ///
    /// `sequencing`: the producer stamps idempotent sequences (retries must go in order).
    func ready(nowMs: Int64, sequencing: Bool) -> ReadyCheck {
        let isMemoryExhausted = pool.hasWaiters
        return state.withLock { state -> ReadyCheck in
            var check = ReadyCheck()
            check.identityResetRequested = state.identityResetRequested
            let pressure = Self.pressure(state, isMemoryExhausted: isMemoryExhausted)
            for queue in state.drainOrder {
                guard let head = Self.headFacts(queue) else { continue }
                check.checkAgain(afterMs: head.openedMs + settings.deliveryTimeoutMs - nowMs)
                guard let leader = leader(of: queue.topicPartition, in: state) else {
                    check.unknownLeaderTopics.insert(queue.topicPartition.topic)
                    continue
                }
                guard !check.readyNodes.contains(leader),
                    Self.isDrainable(queue, sequencing: sequencing, maxInFlight: settings.maxInFlightPerPartition)
                else { continue }
                switch BatchReadiness.evaluate(
                    head, nowMs: nowMs, lingerMs: settings.lingerMs, retryBackoffMs: settings.retryBackoffMs,
                    pressure: pressure)
                {
                case .ready: check.readyNodes.insert(leader)
                case .waiting(let delayMs): check.checkAgain(afterMs: delayMs)
                }
            }
            return check
        }
    }

    /// Takes the sendable head batches of the partitions led by `node`, at most one per partition, until
    /// `maxRequestSizeBytes` (`max.request.size`; a single larger batch goes alone), starting where the last
    /// drain for this node stopped (Kafka's `drainBatchesForOneNode`).
    ///
    /// A batch drained for the first time gets its send reason and is finished: producer id and epoch and,
    /// with `identity`, the partition's next sequence (then advanced by its record count). A retried batch
    /// keeps its bytes. Each drained batch counts as in flight for its partition until `acknowledge`,
    /// `reenqueue` or `fail`. Unlike Kafka, a batch that is not sendable itself does not ride along with its
    /// node's sendable ones, so each batch's reason is exact and `linger.ms` holds per batch.
    func drain(node: Int32, nowNanos: Int64, identity: ProducerIdentity?) -> [ProducerBatch] {
        let nowMs = nowNanos / 1_000_000
        let isMemoryExhausted = pool.hasWaiters
        return state.withLock { state -> [ProducerBatch] in
            let count = state.drainOrder.count
            guard count > 0 else { return [] }
            let pressure = Self.pressure(state, isMemoryExhausted: isMemoryExhausted)
            let start = (state.drainCursor[node] ?? 0) % count
            var drained: [ProducerBatch] = []
            var drainedBytes = 0
            for step in 0..<count {
                let queue = state.drainOrder[(start + step) % count]
                guard let headBytes = queue.head?.sizeBytes, let facts = Self.headFacts(queue),
                    leader(of: queue.topicPartition, in: state) == node,
                    Self.isDrainable(queue, sequencing: identity != nil, maxInFlight: settings.maxInFlightPerPartition),
                    case .ready(let reason) = BatchReadiness.evaluate(
                        facts, nowMs: nowMs, lingerMs: settings.lingerMs, retryBackoffMs: settings.retryBackoffMs,
                        pressure: pressure)
                else { continue }
                if !drained.isEmpty && drainedBytes + headBytes > settings.maxRequestSizeBytes { break }
                drained.append(take(from: queue, reason: reason, identity: identity))
                drainedBytes += headBytes
                state.drainCursor[node] = (start + step + 1) % count
            }
            return drained
        }
    }

    /// Removes the head of `queue`, finishes it on its first drain, and counts it in flight. Caller holds the lock.
    private func take(from queue: PartitionQueue, reason: BatchSendReason, identity: ProducerIdentity?) -> ProducerBatch
    {
        var batch = queue.takeHead()
        if !batch.isFinished {
            assert(batch.attempts == 0, "a retried batch was finished on its first drain")
            var sequence: Int32 = -1
            if identity != nil {
                sequence = queue.nextSequence
                // Kafka's DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Int32.max.
                queue.nextSequence = DeliveryDecision.wrappingAdd(sequence, batch.recordCount)
            }
            batch.finish(
                producerId: identity?.producerId ?? -1, producerEpoch: identity?.producerEpoch ?? -1,
                baseSequence: sequence)
        }
        if batch.sendReason == nil { batch.sendReason = reason }
        queue.queuedRecords -= Int(batch.recordCount)
        queue.inFlightBatches += 1
        assert(queue.queuedRecords >= 0, "negative queued records in \(queue.topicPartition)")
        queue.publishGauges()
        return batch
    }

    /// Whether the sender may take the head batch of `queue` now, as far as ordering goes:
    /// - never more than `max.in.flight.requests.per.connection` of its batches in flight (1: strict order,
    ///   Kafka's muted partitions);
    /// - with sequences, a retried batch (it has its sequence already) goes only when none of the
    ///   partition's batches is in flight, so retries reach the broker in sequence order.
    private static func isDrainable(_ queue: PartitionQueue, sequencing: Bool, maxInFlight: Int) -> Bool {
        guard queue.inFlightBatches < maxInFlight else { return false }
        guard sequencing, let head = queue.head, head.baseSequence >= 0 else { return true }
        return queue.inFlightBatches == 0
    }

    /// The facts the readiness rule reads about the head of `queue`.
    private static func headFacts(_ queue: PartitionQueue) -> BatchReadiness.Head? {
        guard let head = queue.head else { return nil }
        return BatchReadiness.Head(
            openedMs: head.openedNanos / 1_000_000, attempts: head.attempts,
            lastAttemptMs: head.lastAttemptNanos / 1_000_000, isFull: head.isFull || queue.batchCount > 1)
    }
}

// MARK: - Answers, expiry and retirement

extension RecordAccumulator {
    /// Applies a partition's answer to a batch the sender had in flight, under the lock: the pure
    /// `DeliveryDecision` with the partition's sequence state, then the bookkeeping (in-flight count,
    /// acknowledged sequence, re-enqueue in sequence order, broken sequence).
    ///
    /// Returns the decision and, unless it was re-enqueued, the batch: the caller runs its completions,
    /// then `retire`s it.
    func resolve(
        _ batch: consuming ProducerBatch, errorCode: ErrorCode, message: String, nowNanos: Int64, retries: Int
    ) -> (DeliveryDecision, ProducerBatch?) {
        let decision = state.withLock { state -> DeliveryDecision in
            let queue = queue(for: batch.topicPartition, in: &state)
            queue.inFlightBatches -= 1
            assert(queue.inFlightBatches >= 0, "more answers than batches in flight for \(batch.topicPartition)")
            let facts = DeliveryDecision.Batch(
                baseSequence: batch.baseSequence, recordCount: batch.recordCount, attempts: batch.attempts,
                openedNanos: batch.openedNanos)
            let decision = DeliveryDecision.decide(
                errorCode: errorCode, message: message, batch: facts,
                nextAcknowledgedSequence: queue.nextAcknowledgedSequence, nextSequence: queue.nextSequence,
                nowNanos: nowNanos, retries: retries, deliveryTimeoutMs: settings.deliveryTimeoutMs)
            switch decision {
            case .acknowledge:
                if batch.baseSequence >= 0 {
                    queue.nextAcknowledgedSequence = DeliveryDecision.wrappingAdd(batch.baseSequence, batch.recordCount)
                }
            case .retry:
                var retried = copy batch
                retried.attempts += 1
                retried.lastAttemptNanos = nowNanos
                retried.lastError = DeliveryDecision.lastError(errorCode, message)
                queue.reenqueue(retried)
                queue.queuedRecords += Int(retried.recordCount)
                queue.publishGauges()
            case .split:
                guard let (first, second) = batch.split() else {
                    // Not readable back (never with this encoder): fail it rather than resend it as it is.
                    let error = ProducerError.broker(.messageTooLarge, "\(message); the batch could not be split")
                    if batch.baseSequence >= 0 { state.identityResetRequested = true }
                    return .fail(error, breaksSequence: batch.baseSequence >= 0, rollsBackSequence: false)
                }
                Self.requeueSplit(first, second, of: batch, queue: queue, state: &state)
            case .fail(_, let breaksSequence, let rollsBackSequence):
                if rollsBackSequence && queue.inFlightBatches == 0 {
                    queue.nextSequence = batch.baseSequence
                } else if breaksSequence || rollsBackSequence {
                    state.identityResetRequested = true
                }
            }
            return decision
        }
        if case .retry = decision { return (decision, nil) }
        return (decision, batch)
    }

    /// Puts the halves of a split batch in front of the deque, in order, finished with the original's
    /// producer id and epoch and its sequences (first half from its base sequence, the second after it). The
    /// split adds a batch: it counts as incomplete, also for `flush()`/`close()` waiters waiting for the
    /// original (both halves keep its id). Caller holds the lock; the original's buffer goes back to the
    /// pool through `releaseSplit`.
    private static func requeueSplit(
        _ first: consuming ProducerBatch, _ second: consuming ProducerBatch, of original: borrowing ProducerBatch,
        queue: PartitionQueue, state: inout AccumulatorState
    ) {
        var first = first
        var second = second
        let sequenced = original.baseSequence >= 0
        first.finish(
            producerId: original.producerId, producerEpoch: original.producerEpoch, baseSequence: original.baseSequence)
        second.finish(
            producerId: original.producerId, producerEpoch: original.producerEpoch,
            baseSequence: sequenced ? DeliveryDecision.wrappingAdd(original.baseSequence, first.recordCount) : -1)
        // A split counts as an attempt: in `reenqueue`'s order, the halves go with the partition's retries. No
        // backoff: the last attempt is dated to the clock's origin, so they are sendable at once.
        first.attempts = max(1, first.attempts)
        second.attempts = max(1, second.attempts)
        first.lastAttemptNanos = 0
        second.lastAttemptNanos = 0
        queue.reenqueue(second)
        queue.reenqueue(first)
        queue.queuedRecords += Int(original.recordCount)
        queue.publishGauges()
        state.incompleteBatches += 1
        for index in state.flushWaiters.indices where original.id <= state.flushWaiters[index].lastBatchId {
            state.flushWaiters[index].remaining += 1
        }
    }

    /// The buffer of a batch that was split (`DeliveryDecision.split`) goes back to the pool; the batch
    /// itself lives on as its halves, so it is not retired.
    func releaseSplit(_ batch: consuming ProducerBatch) {
        pool.deallocate(batch.takeBuffer(), bytes: batch.allocatedBytes)
    }

    /// A batch failed before or without an answer (connection closed on `close()`): out of flight and, when
    /// it carried a sequence, the sequences are broken. Returns it for `retire`.
    func abandon(_ batch: consuming ProducerBatch, error: ProducerError) -> ProducerBatch {
        state.withLock { state in
            let queue = queue(for: batch.topicPartition, in: &state)
            queue.inFlightBatches -= 1
            if batch.baseSequence >= 0 { state.identityResetRequested = true }
        }
        return batch
    }

    /// The batch is done for good and its completions have run: it no longer counts as incomplete (waking
    /// `flush()`/`close()` waiters whose last batch this was), and its buffer goes back to the pool.
    func retire(_ batch: consuming ProducerBatch) {
        let resumed = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.incompleteBatches -= 1
            assert(state.incompleteBatches >= 0, "more batches retired than created")
            return Self.countDown(&state, completedBatchId: batch.id)
        }
        for continuation in resumed { continuation.resume(returning: true) }
        pool.deallocate(batch.takeBuffer(), bytes: batch.allocatedBytes)
    }

    /// Removes batches that will never be sent: past `delivery.timeout.ms` since they opened (from the front
    /// of each deque, Kafka's `expiredBatches`). An expired batch that carried a sequence breaks the
    /// sequences (`identityResetRequested`). The caller completes them with the returned error, then
    /// `retire`s them.
    func expireBatches(nowNanos: Int64) -> [(ProducerBatch, ProducerError)] {
        let deadlineNanos = settings.deliveryTimeoutMs * 1_000_000
        return state.withLock { state -> [(ProducerBatch, ProducerError)] in
            var expired: [(ProducerBatch, ProducerError)] = []
            for queue in state.drainOrder where queue.batchCount > 0 {
                while let openedNanos = queue.head?.openedNanos, let baseSequence = queue.head?.baseSequence {
                    guard nowNanos - openedNanos >= deadlineNanos else { break }
                    let error = ProducerError.deliveryTimeout(
                        ms: settings.deliveryTimeoutMs, lastError: queue.head?.lastError)
                    if baseSequence >= 0 { state.identityResetRequested = true }
                    let batch = queue.takeHead()
                    queue.queuedRecords -= Int(batch.recordCount)
                    expired.append((batch, error))
                }
                queue.publishGauges()
            }
            return expired
        }
    }

    /// Every batch still in a deque (`close()` after its timeout): the caller fails them with `.closed`.
    func takeAllQueued() -> [ProducerBatch] {
        state.withLock { state -> [ProducerBatch] in
            var taken: [ProducerBatch] = []
            for queue in state.drainOrder {
                while queue.head != nil { taken.append(queue.takeHead()) }
                queue.queuedRecords = 0
                queue.publishGauges()
            }
            return taken
        }
    }

    /// After a new producer id was assigned because the sequences broke (`identityResetRequested`):
    /// every partition's sequences restart from 0, and batches waiting for a retry — stamped with the old id
    /// and sequences — are stamped again with the new id and fresh sequences, in deque order. Nothing is in
    /// flight then (the sender waits for that before asking), so no answer can refer to the old sequences.
    /// Returns whether a reset was pending.
    @discardableResult
    func resetSequences(for identity: ProducerIdentity) -> Bool {
        state.withLock { state -> Bool in
            guard state.identityResetRequested else { return false }
            state.identityResetRequested = false
            for queue in state.drainOrder {
                assert(queue.inFlightBatches == 0, "sequences reset with batches in flight for \(queue.topicPartition)")
                var sequence: Int32 = 0
                for index in queue.sealed.indices where queue.sealed[index].isFinished {
                    queue.sealed[index].restamp(
                        producerId: identity.producerId, producerEpoch: identity.producerEpoch, baseSequence: sequence)
                    sequence = DeliveryDecision.wrappingAdd(sequence, queue.sealed[index].recordCount)
                }
                queue.nextSequence = sequence
                queue.nextAcknowledgedSequence = 0
            }
            return true
        }
    }
}

// MARK: - Flush and close

extension RecordAccumulator {
    /// Waits until every batch created before the call is complete (Kafka's `awaitFlushCompletion`), or until
    /// `timeout` passes (nil: no limit). A flush (`isFlush`) makes every batch ready with reason `flush` while
    /// it waits. Returns false when the timeout passed first.
    func awaitCompletion(isFlush: Bool, timeout: Duration?) async -> Bool {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterId += 1
            state.announcedWaiters[state.nextWaiterId] = false
            return state.nextWaiterId
        }
        guard let timeout else { return await register(id: id, isFlush: isFlush) }
        return await raceTimeout(
            max(timeout, .zero), wait: { await self.register(id: id, isFlush: isFlush) },
            expire: { self.expireWaiter(id: id) })
    }

    /// Whether batches remain that are not complete.
    var hasIncompleteBatches: Bool { state.withLock { $0.incompleteBatches > 0 } }

    /// Whether `close()` has begun (appends fail with `.closed`).
    @usableFromInline
    var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Stops appends (`.closed`) and makes every batch ready (reason `flush`) so `close()` drains them.
    /// Returns false when `close()` had begun already.
    func beginClose() -> Bool {
        let first = state.withLock { state -> Bool in
            defer {
                state.isClosed = true
                state.isClosing = true
            }
            return !state.isClosed
        }
        wakeup.signal()
        return first
    }

    /// Registers waiter `id` and waits; wakes the sender so a flush takes effect at once.
    private func register(id: UInt64, isFlush: Bool) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let immediate = state.withLock { state -> Bool? in
                let expired = state.announcedWaiters.removeValue(forKey: id)
                assert(expired != nil, "flush waiter \(id) registered twice")
                if expired == true { return false }
                if state.incompleteBatches == 0 { return true }
                state.flushWaiters.append(
                    FlushWaiter(
                        id: id, lastBatchId: state.nextBatchId, remaining: state.incompleteBatches, isFlush: isFlush,
                        continuation: continuation))
                if isFlush { state.flushesInProgress += 1 }
                return nil
            }
            if let immediate {
                continuation.resume(returning: immediate)
            } else {
                wakeup.signal()
            }
        }
    }

    /// Resumes waiter `id` with false (its timeout passed); nothing when it completed already.
    private func expireWaiter(id: UInt64) {
        let expired = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.announcedWaiters[id] != nil {
                state.announcedWaiters[id] = true
                return nil
            }
            guard let index = state.flushWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = state.flushWaiters.remove(at: index)
            if waiter.isFlush { state.flushesInProgress -= 1 }
            return waiter.continuation
        }
        expired?.resume(returning: false)
    }

    /// Counts a completed batch against the waiters that wait for it; returns those now done. Caller holds the lock.
    private static func countDown(
        _ state: inout AccumulatorState, completedBatchId: UInt64
    ) -> [CheckedContinuation<Bool, Never>] {
        guard !state.flushWaiters.isEmpty else { return [] }
        var done: [CheckedContinuation<Bool, Never>] = []
        var index = 0
        while index < state.flushWaiters.count {
            if completedBatchId <= state.flushWaiters[index].lastBatchId {
                state.flushWaiters[index].remaining -= 1
            }
            if state.flushWaiters[index].remaining <= 0 {
                let waiter = state.flushWaiters.remove(at: index)
                if waiter.isFlush { state.flushesInProgress -= 1 }
                done.append(waiter.continuation)
            } else {
                index += 1
            }
        }
        assert(state.flushesInProgress >= 0, "negative flushes in progress")
        return done
    }
}
