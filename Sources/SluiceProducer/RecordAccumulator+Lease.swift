import NIOCore
import SluiceClient
import SluiceWire

/// A partition's batch taken out of its deque, so a run of records (`send(contentsOf:)`) can be appended to
/// it without the accumulator's lock; given back with `returnLeases`.
///
/// While a batch is leased its deque has no open batch: the sender cannot see or drain it, and a concurrent
/// `send` to the partition opens a new batch (the leased one is sealed in front of it on return). Leases are
/// held only by synchronous code — a run gives all of them back before it awaits anything — so a leased
/// batch is out of sight for microseconds, and `close()` never waits on one for long.
///
/// `@unchecked Sendable`: `queue` is dereferenced only under the accumulator's lock (deques live as long as
/// the accumulator); the batch itself is a Sendable value owned by the run while leased.
struct BatchLease: @unchecked Sendable {
    fileprivate let queue: PartitionQueue
    let partition: Int32
    /// The batch, appended to in place (its buffer stays uniquely referenced: no copy on append).
    var batch: ProducerBatch
    /// Records appended while leased (counted into the deque's gauges on return).
    var appended = 0
    /// Opened for this lease: the sender has not seen it yet.
    let isNew: Bool

    /// Appends one record when it fits; returns false when the batch has no room for it. No lock: the
    /// batch is the run's while leased.
    mutating func appendIfRoom(
        _ request: RecordAccumulator.AppendRequest
    ) -> Bool {
        let recordBytes = batch.nextRecordBytes(key: request.key, value: request.value, timestamp: request.timestamp)
        guard !batch.isClosedForAppends, batch.hasRoom(forRecordBytes: recordBytes) else { return false }
        batch.append(
            key: request.key, value: request.value, timestamp: request.timestamp, sendNanos: request.nowNanos,
            storesCompletion: request.storesCompletion, callback: request.callback)
        appended += 1
        return true
    }
}

extension RecordAccumulator {
    /// What `lease` came to.
    enum LeaseOutcome: Sendable {
        /// The record appended to a leased batch, with the topic's partition count (for the run to cache).
        case leased(BatchLease, partitionCount: Int32)
        case needsMemory(bytes: Int)
        case needsMetadata
        case invalidPartition(partitionCount: Int32)
        case closed
    }

    /// Under one acquisition: gives back `full` (sealed: it had no room for this record), then finds the
    /// batch this record goes to, appends the record and leases the batch — the partition's open batch when the record fits, else a new
    /// one from `reserved` or the pool (the open one sealed). Sticky records follow `append`'s rule: when the
    /// sticky partition needs a new batch, switch partition first (KIP-480).
    ///
    /// Returns whether the sender must be woken (a batch was sealed) with the outcome; the caller signals
    /// outside the lock.
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
            var partition: Int32
            switch request.choice {
            case .explicit(let given):
                guard given >= 0, given < layout.partitionCount else {
                    return (.invalidPartition(partitionCount: layout.partitionCount), sealed)
                }
                partition = given
            case .keyHash(let hash):
                partition = hash % layout.partitionCount
            case .sticky:
                partition =
                    afterFull.map {
                        state.sticky.partitionAfterNewBatch(for: request.topic, layout: layout, previous: $0)
                    } ?? state.sticky.partition(for: request.topic, layout: layout)
            }
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
    func returnLeases(_ leases: inout LeaseSet, nowNanos: Int64) -> Bool {
        guard !leases.isEmpty else { return false }
        let lingerNanos = settings.lingerMs * 1_000_000
        return state.withLock { state -> Bool in
            var wake = state.flushesInProgress > 0 || state.isClosing
            while let lease = leases.popLast() {
                let isNew = lease.isNew
                let openedNanos = lease.batch.openedNanos
                wake = Self.giveBack(lease, sealing: false, state: &state) || wake || isNew
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
                key: request.key, value: request.value, timestamp: request.timestamp),
            queue.open!.hasRoom(forRecordBytes: recordBytes)
        else { return nil }
        var batch = queue.open.take()!
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

    /// Appends the record a lease is taken for, before the batch leaves the lock: the run never mutates
    /// the copy of the lease that the outcome carries out (that would copy the batch's buffer and completions).
    private static func appendFirst(_ request: AppendRequest, to batch: inout ProducerBatch) {
        batch.append(
            key: request.key, value: request.value, timestamp: request.timestamp, sendNanos: request.nowNanos,
            storesCompletion: request.storesCompletion, callback: request.callback)
    }
}

/// The leases a run holds: one inline (an unkeyed run holds one at a time, swapping a full batch for the
/// next), more in an array (keyed records spread over partitions). A run of one topic's unkeyed records so
/// allocates nothing for its leases.
struct LeaseSet: Sendable {
    private var first: BatchLease?
    private var others: [BatchLease] = []

    init() {}

    var isEmpty: Bool { first == nil && others.isEmpty }

    /// Where `partition`'s lease is, if the run holds one: 0 inline, then 1… in the array.
    func position(of partition: Int32) -> Int? {
        if first?.partition == partition { return 0 }
        var index = 0
        // A plain loop: an unspecialized `firstIndex(where:)` allocates per call.
        while index < others.count {
            if others[index].partition == partition { return index + 1 }
            index += 1
        }
        return nil
    }

    /// Appends to the lease at `position` when the record fits (in place: no copy of the batch).
    mutating func appendIfRoom(at position: Int, _ request: RecordAccumulator.AppendRequest) -> Bool {
        position == 0 ? first!.appendIfRoom(request) : others[position - 1].appendIfRoom(request)
    }

    /// Removes and returns the lease at `position`.
    mutating func remove(at position: Int) -> BatchLease {
        if position == 0 { return first.take()! }
        others.swapAt(position - 1, others.count - 1)
        return others.removeLast()
    }

    mutating func insert(_ lease: consuming BatchLease) {
        if first == nil {
            first = lease
        } else {
            others.append(lease)
        }
    }

    /// Removes and returns any lease; nil when none is left.
    mutating func popLast() -> BatchLease? {
        others.popLast() ?? first.take()
    }
}
