/// A partition's batch taken out of its deque, so a run of records (`send(contentsOf:)`) can be appended to
/// it without the accumulator's lock; taken with `RecordAccumulator.lease` and given back with
/// `returnLeases` (the accumulator's side, with the lease count, is in `RecordAccumulator.swift`). This file
/// is the run's side: appends to leased batches and the set of leases a run holds, no lock.
///
/// While a batch is leased its deque has no open batch: the sender cannot see or drain it, and a concurrent
/// `send` to the partition opens a new batch (the leased one is sealed in front of it on return). Leases are
/// held only by synchronous code — a run gives all of them back before it awaits anything — so a leased
/// batch is out of sight for microseconds, and `close()` never waits on one for long.
///
/// `@unchecked Sendable`: `queue` is dereferenced only under the accumulator's lock (deques live as long as
/// the accumulator); the batch itself is a Sendable value owned by the run while leased.
@usableFromInline
struct BatchLease: @unchecked Sendable {
    /// The deque it was taken from; dereferenced only by the accumulator, under its lock.
    let queue: PartitionQueue
    @usableFromInline let partition: Int32
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
        let recordBytes = batch.nextRecordBytes(
            key: request.key, value: request.value, headersBytes: request.headersBytes, timestamp: request.timestamp)
        guard !batch.isClosedForAppends, batch.hasRoom(forRecordBytes: recordBytes) else { return false }
        batch.append(
            key: request.key, value: request.value, headers: request.headers, headersBytes: request.headersBytes,
            timestamp: request.timestamp, sendNanos: request.nowNanos,
            storesCompletion: request.storesCompletion, callback: request.callback)
        appended += 1
        return true
    }
}

/// The leases a run holds: one inline (an unkeyed run holds one at a time, swapping a full batch for the
/// next), more in an array (keyed records spread over partitions). A run of one topic's unkeyed records so
/// allocates nothing for its leases.
@usableFromInline
struct LeaseSet: Sendable {
    private var first: BatchLease?
    private var others: [BatchLease] = []

    @usableFromInline
    init() {}

    @usableFromInline
    var isEmpty: Bool { first == nil && others.isEmpty }

    /// Where `partition`'s lease is, if the run holds one: 0 inline, then 1… in the array.
    @usableFromInline
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
    @usableFromInline
    mutating func appendIfRoom(at position: Int, _ request: RecordAccumulator.AppendRequest) -> Bool {
        position == 0 ? first!.appendIfRoom(request) : others[position - 1].appendIfRoom(request)
    }

    /// Removes and returns the lease at `position`.
    @usableFromInline
    mutating func remove(at position: Int) -> BatchLease {
        if position == 0 { return first.take()! }
        others.swapAt(position - 1, others.count - 1)
        return others.removeLast()
    }

    @usableFromInline
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
