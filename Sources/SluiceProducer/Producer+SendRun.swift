import NIOCore
import SluiceObservability

extension Producer {
    /// Appends `records`, in order, as `send(_:completion:)` would each (async send: `completion` runs once
    /// per appended record, when it is acknowledged or has failed for good), without a lock per record.
    ///
    /// The run leases the batches it appends to (`BatchLease`): the accumulator's lock is taken to lease a
    /// partition's batch, to swap a full one for the next, and once at the end to give them all back, and
    /// the records are encoded into the leased batches outside the lock. For unkeyed records that is about
    /// three acquisitions per run plus one per batch filled, whatever the run's length. A run shorter than
    /// `minimumLeasedRun` (16) is sent record by record instead (one lock each), so that concurrent callers'
    /// short runs keep sharing the partition's open batch.
    ///
    /// It waits as `send` waits — for metadata or buffer memory, each record at most `max.block.ms` — after
    /// giving its leases back. On an error the records before the failing one stay appended (their
    /// completions run as usual), the failing record and those after it are not sent, and the error is
    /// thrown (the failing record counts as failed in the metrics and the interceptors see it, as with `send`).
    ///
    /// Inlinable, with the run's passes, so the caller's record, collection and serializer types are
    /// specialised where it calls: unspecialised, each record would be copied through value witnesses. The
    /// lease and batch work below it (`LeaseSet`, `RecordAccumulator.lease`) stays in this module.
    @inlinable
    public func send<Records: Collection>(
        contentsOf records: Records,
        completion: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    ) async throws(ProducerError) where Records.Element == ProducerRecord<Key, Value> {
        guard records.count >= Self.minimumLeasedRun else {
            for record in records { try await send(record, completion: completion) }
            return
        }
        let (_, failure) = await appendRun(records, continuesPastFailures: false) { _ in completion }
        if let failure { throw failure }
    }

    /// Runs shorter than this append record by record under the lock, as `send` does. While a run holds a
    /// partition's batch leased, a concurrent `send` to that partition must open a batch of its own; short
    /// runs (a few records of a gateway request, say) would gain little from a lease and would split the
    /// batches of concurrent callers that otherwise share one.
    @inlinable
    static var minimumLeasedRun: Int { 16 }

    /// `send(contentsOf:completion:)` for a caller that needs each record's own outcome, as if it sent each
    /// record with `send(_:completion:)` and a completion of its own: `completion` gets the record's position
    /// in `records` (0-based) with its result, exactly once per record. A record that fails to be appended
    /// gets its error at once (counted in the metrics, seen by the interceptors) and the run goes on with the
    /// next one, so this never throws. Allocates one closure context per record (the position).
    @inlinable
    public func send<Records: Collection>(
        contentsOf records: Records,
        completion: @escaping @Sendable (Int, Result<RecordMetadata, ProducerError>) -> Void
    ) async where Records.Element == ProducerRecord<Key, Value> {
        guard records.count >= Self.minimumLeasedRun else {
            for (position, record) in records.enumerated() {
                do {
                    try await send(record) { result in completion(position, result) }
                } catch {
                    completion(position, .failure(error))
                }
            }
            return
        }
        _ = await appendRun(records, continuesPastFailures: true) { position in
            { result in completion(position, result) }
        }
    }

    /// A record of a run being appended: intercepted, stamped, with its own `max.block.ms` deadline. Kept
    /// across the waits of its append, so interceptors see it once.
    @usableFromInline
    struct RunRecord {
        @usableFromInline let record: ProducerRecord<Key, Value>
        @usableFromInline let timestamp: Int64
        @usableFromInline let deadlineNanos: Int64

        @inlinable
        init(record: ProducerRecord<Key, Value>, timestamp: Int64, deadlineNanos: Int64) {
            self.record = record
            self.timestamp = timestamp
            self.deadlineNanos = deadlineNanos
        }
    }

    /// Why a pass stopped before the end of the run.
    @usableFromInline
    enum RunStop {
        case needsMetadata
        case needsMemory(bytes: Int)
        case failed(ProducerError)
    }

    /// What a pass knows of the topic it appends to, from its last lease: no lock is needed to find the
    /// partition of the next record with the same topic.
    @usableFromInline
    struct RunTopic {
        @usableFromInline let name: String
        @usableFromInline let partitionCount: Int32
        /// The sticky partition this run appends unkeyed records to; nil until one was leased.
        @usableFromInline var sticky: Int32?

        @inlinable
        init(name: String, partitionCount: Int32) {
            self.name = name
            self.partitionCount = partitionCount
        }

        /// The partition `choice` resolves to, or nil when only the accumulator can tell (no sticky partition
        /// yet, or an explicit partition out of range: the lease reports the error).
        @inlinable
        func partition(of choice: PartitionChoice) -> Int32? {
            switch choice {
            case .explicit(let given): return given >= 0 && given < partitionCount ? given : nil
            case .keyHash(let hash): return hash % partitionCount
            case .sticky: return sticky
            }
        }
    }

    /// Where a run is: what its passes and the waits between them share.
    @usableFromInline
    struct RunProgress {
        /// Records taken so far (appended, or failed and skipped); the position of the next record.
        @usableFromInline var taken = 0
        /// The record whose append waits (metadata or memory); it is retried first in the next pass.
        @usableFromInline var waiting: RunRecord?
        /// Memory a wait got for `waiting`; returned to the pool after the pass when no new batch took it.
        @usableFromInline var reserved: ReservedMemory?
        /// Every record has been taken.
        @usableFromInline var isExhausted = false
        /// The pass's leased batches; empty between passes.
        @usableFromInline var leases = LeaseSet()

        @inlinable
        init() {}
    }

    /// The append loop of `send(contentsOf:)`: passes that lease batches and append without the lock, each
    /// giving its leases back before the wait it stops for. Returns how many records were taken, and the error
    /// that stopped the run (nil when none did). `callback` gives the completion of the record at a position.
    /// `continuesPastFailures`: a record that fails gets the error through its completion and the run goes
    /// on; otherwise the run stops there (the failing record's completion is not called).
    @inlinable
    func appendRun<Records: Collection>(
        _ records: Records, continuesPastFailures: Bool,
        callback: (Int) -> (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    ) async -> (taken: Int, failure: ProducerError?) where Records.Element == ProducerRecord<Key, Value> {
        var progress = RunProgress()
        // Records come from contiguous storage when the collection has it (arrays): unspecialized, a generic
        // `Collection` subscript or `IndexingIterator.next()` goes through a read coroutine whose frame is
        // heap-allocated, once per record. Other collections use their iterator (and may allocate so).
        var iterator = records.makeIterator()
        defer {
            if let unused = progress.reserved { pool.deallocate(unused.buffer, bytes: unused.bytes) }
        }
        // Bounded: each pass takes records or ends in a wait, and every record's waits end at its deadline.
        while !progress.isExhausted {
            let contiguous = records.withContiguousStorageIfAvailable { buffer in
                pass(&progress, callback: callback) { position in position < buffer.count ? buffer[position] : nil }
            }
            let stop = contiguous ?? pass(&progress, callback: callback) { _ in iterator.next() }
            // Memory waited for and not used by the record it was for (it found room in a batch): back to the pool.
            if let unused = progress.reserved {
                progress.reserved = nil
                pool.deallocate(unused.buffer, bytes: unused.bytes)
            }
            guard let stop, let current = progress.waiting else { break }
            do throws(ProducerError) {
                switch stop {
                case .needsMetadata:
                    try await awaitMetadata(topic: current.record.topic, deadlineNanos: current.deadlineNanos)
                case .needsMemory(let bytes):
                    let remaining = Duration.nanoseconds(max(0, current.deadlineNanos - clock.monotonicNanos()))
                    let wakeup = accumulator.wakeup
                    let buffer = try await pool.allocate(
                        bytes: bytes, maxBlock: remaining, clock: clock, whenQueued: { wakeup.signal() })
                    progress.reserved = ReservedMemory(buffer: buffer, bytes: bytes)
                case .failed(let error):
                    throw error
                }
            } catch {
                if hasInterceptors {
                    for interceptor in interceptors { interceptor.onAcknowledgement(.failure(error)) }
                }
                metrics.topic(current.record.topic).recordFailed(records: 1, error: error.metricLabel)
                guard continuesPastFailures else { return (progress.taken, error) }
                callback(progress.taken)?(.failure(error))
                progress.waiting = nil
                progress.taken += 1
            }
        }
        return (progress.taken, nil)
    }

    /// One pass of a run, synchronous (leases are never held across an await): takes records from `next`
    /// (by position) until the run ends or a record must wait, then gives every lease back (one lock).
    /// Clocks are read once per 64 records: a record's CreateTime and send time are those of its group.
    @inlinable
    func pass(
        _ progress: inout RunProgress, callback: (Int) -> (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?,
        next: (Int) -> ProducerRecord<Key, Value>?
    ) -> RunStop? {
        var nowNanos = clock.monotonicNanos()
        var wallMs = clock.wallClockMs()
        var topic: RunTopic?
        var leases = progress.leases
        progress.leases = LeaseSet()
        defer {
            if accumulator.returnLeases(&leases, nowNanos: clock.monotonicNanos()) { accumulator.wakeup.signal() }
            progress.leases = leases
        }
        var sinceClockRead = 0
        while true {
            // The record to append: the one a previous pass stopped for, else the next. It goes back to
            // `progress.waiting` only when this pass stops for it (one copy of the record per append).
            let current: RunRecord
            if let waiting = progress.waiting.take() {
                current = waiting
            } else {
                guard let taken = next(progress.taken) else {
                    progress.isExhausted = true
                    return nil
                }
                sinceClockRead += 1
                if sinceClockRead == 64 {
                    sinceClockRead = 0
                    nowNanos = clock.monotonicNanos()
                    wallMs = clock.wallClockMs()
                }
                var record = taken
                if hasInterceptors {
                    for interceptor in interceptors { record = interceptor.onSend(record) }
                }
                current = RunRecord(
                    record: record, timestamp: record.timestamp ?? wallMs,
                    deadlineNanos: nowNanos + config.maxBlockMs * 1_000_000)
            }
            if let cached = topic, cached.name != current.record.topic {
                // Another topic: its leases go back first, so every lease held is of `topic`.
                if accumulator.returnLeases(&leases, nowNanos: nowNanos) { accumulator.wakeup.signal() }
                topic = nil
            }
            let outcome: AppendOutcome
            do throws(ProducerError) {
                outcome = try appendLeased(
                    current, nowNanos: nowNanos, callback: callback(progress.taken), topic: &topic, leases: &leases,
                    reserved: &progress.reserved)
            } catch {
                progress.waiting = current
                return .failed(error)
            }
            if case .appended = outcome {
                progress.taken += 1
                continue
            }
            progress.waiting = current
            switch outcome {
            case .appended:
                preconditionFailure("handled above")
            case .needsMetadata:
                return .needsMetadata
            case .needsMemory(let bytes):
                return .needsMemory(bytes: bytes)
            case .invalidPartition(let partitionCount):
                return .failed(
                    .invalidPartition(
                        topic: current.record.topic, partition: current.record.partition ?? -1,
                        partitionCount: partitionCount))
            case .closed:
                return .failed(.closed)
            }
        }
    }

    /// Appends one record of a run: into a leased batch of its partition when it has room (no lock), else
    /// through `RecordAccumulator.lease` (one lock), which also gives back the batch it did not fit.
    @inlinable
    func appendLeased(
        _ current: RunRecord, nowNanos: Int64, callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?,
        topic: inout RunTopic?, leases: inout LeaseSet, reserved: inout ReservedMemory?
    ) throws(ProducerError) -> AppendOutcome {
        let record = current.record
        let headersBytes = RecordAccumulator.AppendRequest.encodedBytes(of: record.headers)
        let result = withSerialized(record) { key, value -> AttemptResult in
            if let tooLarge = sizeViolation(keyCount: key?.count, valueCount: value?.count, headersBytes: headersBytes) {
                return .failure(tooLarge)
            }
            let choice: PartitionChoice?
            if let partitioner = customPartitioner, record.partition == nil {
                // The cached count spares the lock `partitionChoice` takes to read it.
                choice =
                    topic.map { cached in
                        partitioner.partition(
                            topic: record.topic, key: key, value: value, partitionCount: cached.partitionCount
                        ).map { .explicit($0) } ?? .sticky
                    } ?? partitionChoice(record, key: key, value: value)
            } else {
                choice = partitionChoice(record, key: key, value: value)
            }
            guard let choice else { return .success(.needsMetadata) }
            let request = RecordAccumulator.AppendRequest(
                topic: record.topic, choice: choice, key: key, value: value, headers: record.headers,
                headersBytes: headersBytes, timestamp: current.timestamp, nowNanos: nowNanos, storesCompletion: callback != nil || hasInterceptors, callback: callback)
            var full: BatchLease?
            if let partition = topic?.partition(of: choice), let position = leases.position(of: partition) {
                if leases.appendIfRoom(at: position, request) {
                    return .success(.appended(partition: partition, wakeSender: false))
                }
                full = leases.remove(at: position)
            }
            let (outcome, wakeSender) = accumulator.lease(for: request, givingBack: full, reserved: &reserved)
            if wakeSender { accumulator.wakeup.signal() }
            switch outcome {
            case .leased(let lease, let partitionCount):
                // The record is in the batch already; appending to `lease` here would copy the batch's buffer
                // (the outcome still holds it).
                if topic == nil { topic = RunTopic(name: record.topic, partitionCount: partitionCount) }
                if case .sticky = choice { topic?.sticky = lease.partition }
                let partition = lease.partition
                leases.insert(lease)
                return .success(.appended(partition: partition, wakeSender: false))
            case .needsMemory(let bytes): return .success(.needsMemory(bytes: bytes))
            case .needsMetadata: return .success(.needsMetadata)
            case .invalidPartition(let partitionCount):
                return .success(.invalidPartition(partitionCount: partitionCount))
            case .closed: return .success(.closed)
            }
        }
        return try result.get()
    }
}
