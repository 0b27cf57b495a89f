import Logging
import NIOCore
import SluiceWire
import Synchronization

/// One partition's durable log: segments of record batches on disk, their sparse offset and time
/// indexes, and the checkpoints (high watermark, recovery point, leader epochs) of Kafka's design.
///
/// Thread-safe. State sits behind one `Mutex`, held for short sections: appends write under it (the
/// file position must be serialized), while fsyncs and the bytes of reads happen outside it. Batches
/// are stored as the producer encoded them: validated (CRC-32C) once, stamped in place, never decoded.
///
/// Files in `directory` (`<log.dirs>/<topic>-<partition>`): `<base offset, 20 digits>.log|.index|.timeindex`,
/// `high-watermark-checkpoint`, `recovery-point-offset-checkpoint`, `leader-epoch-checkpoint`,
/// `clean-shutdown` between a clean `close()` and the next open, and `<offset, 20 digits>.snapshot` producer-state
/// snapshots (written and read by the broker through `writeProducerSnapshot` and friends).
public final class PartitionLog: Sendable {
    /// The partition directory, `<log.dirs>/<topic>-<partition>`.
    public let directory: String
    /// The topic, as written into the offset checkpoints.
    public let topic: String
    /// The partition number.
    public let partition: Int32
    /// The settings the log was opened with.
    public let config: LogConfig
    /// What opening the log found and repaired (also given to `LogObserver.recovered`).
    public let recoveryReport: LogRecoveryReport

    let state: Mutex<PartitionLogState>
    /// Serializes checkpoint writes; taken before `state`, never while holding it.
    private let checkpoints: Mutex<CheckpointRecord>
    let directoryFile: FileDescriptor
    private let observer: any LogObserver
    private let logger: Logger
    private let allocator = ByteBufferAllocator()
    /// Where the fsyncs and checkpoint writes an append triggers run; nil: inline.
    private let blockingIO: BlockingIO?
    /// A background flush is queued and has not planned yet: an append that finds the flush due need not
    /// queue another (the queued one covers it, since it plans when it runs).
    private let flushQueued = Atomic<Bool>(false)

    /// Opens the partition's directory (creating it when missing) and recovers it: see `LogRecoveryReport`.
    /// Throws when the disk fails; a torn or corrupt tail is repaired, not thrown.
    public init(
        directory: String, topic: String, partition: Int32, config: LogConfig = LogConfig(),
        observer: any LogObserver = NoLogObserver(), logger: Logger, blockingIO: BlockingIO? = nil
    ) throws(StorageError) {
        config.checkInvariants()
        precondition(partition >= 0, "partition numbers are not negative")
        var logger = logger
        logger[metadataKey: "sluice.topic"] = "\(topic)"
        logger[metadataKey: "sluice.partition"] = "\(partition)"
        try PartitionDirectory.create(directory)
        let directoryFile = try FileDescriptor.openDirectory(directory)
        let (state, report, loaded) = try PartitionLogState.open(
            directory: directory, topic: topic, partition: partition, config: config, directoryFile: directoryFile,
            logger: logger)
        self.directory = directory
        self.topic = topic
        self.partition = partition
        self.config = config
        self.recoveryReport = report
        self.state = Mutex(state)
        // What the files already say need not be rewritten (after a clean shutdown: nothing).
        self.checkpoints = Mutex(
            CheckpointRecord(
                highWatermark: loaded.highWatermark, recoveryPoint: loaded.recoveryPoint,
                leaderEpochs: loaded.epochsInFile))
        self.directoryFile = directoryFile
        self.observer = observer
        self.logger = logger
        self.blockingIO = blockingIO
        try writeCheckpoints(.all)
        // Only now may a crash count as unclean: the marker goes once the checkpoints match the files.
        try CheckpointFile.remove(directory: directoryFile, name: CheckpointFile.cleanShutdownMarker)
        Self.logRecovery(report, logger: logger)
        observer.recovered(report)
    }

    private static func logRecovery(_ report: LogRecoveryReport, logger: Logger) {
        let metadata: Logger.Metadata = [
            "sluice.segments": "\(report.segmentsScanned)", "sluice.truncated_bytes": "\(report.truncatedBytes)",
            "sluice.log_end_offset": "\(report.logEndOffset)", "sluice.clean_shutdown": "\(report.hadCleanShutdown)",
        ]
        if let problem = report.firstProblem {
            logger.warning("log recovered: cut at \(problem)", metadata: metadata)
        } else {
            logger.debug("log opened", metadata: metadata)
        }
    }

    // MARK: offsets

    /// The first offset still in the log (retention moves it up).
    public var logStartOffset: Int64 { state.withLock { $0.logStartOffset } }
    /// The offset the next appended record gets (LEO).
    public var logEndOffset: Int64 { state.withLock { $0.logEndOffset } }
    /// Bytes of batches in all segments.
    public var sizeBytes: Int64 { state.withLock { $0.sizeBytes } }
    /// Offsets below it are committed (replicated to the ISR); consumers read only below it. Kept apart from
    /// the LEO; written to `high-watermark-checkpoint` on flush, close, truncation and `checkpointHighWatermark()`.
    public var highWatermark: Int64 { state.withLock { $0.highWatermark } }
    /// Offsets below it are on stable storage.
    public var recoveryPoint: Int64 { state.withLock { $0.recoveryPoint } }
    /// Segments on disk, the active one included.
    public var segmentCount: Int { state.withLock { $0.segments.count } }
    /// A copy of the leader-epoch cache.
    public var leaderEpochCache: LeaderEpochCache { state.withLock { $0.epochs } }
    /// Base offset of the active (last) segment: it moves up when the log rolls. Once closed, the log end offset.
    public var activeSegmentBaseOffset: Int64 {
        state.withLock { $0.segments.last?.baseOffset ?? $0.logEndOffset }
    }

    /// Raises the high watermark to `offset` (a lower value is ignored: it only moves up, except by `truncate`).
    /// Returns whether it moved. `offset` above the log end offset is a bug.
    @discardableResult
    public func updateHighWatermark(_ offset: Int64) -> Bool {
        state.withLock { state in
            precondition(offset <= state.logEndOffset, "high watermark \(offset) above LEO \(state.logEndOffset)")
            guard offset > state.highWatermark else { return false }
            state.highWatermark = offset
            return true
        }
    }

    /// A new leader starts `epoch` at the log end offset (Kafka's makeLeader): OffsetForLeaderEpoch then answers
    /// followers of older epochs with where they ended here (KIP-279), before any append at `epoch`. In memory;
    /// the first append at `epoch` checkpoints it. Returns whether the cache changed.
    @discardableResult
    public func assignLeaderEpoch(_ epoch: Int32) -> Bool {
        state.withLock { state in
            guard state.epochs.assign(epoch: epoch, startOffset: state.logEndOffset) else { return false }
            state.epochsUnpersisted = true
            return true
        }
    }

    /// OffsetForLeaderEpoch (KIP-101): the end offset of `epoch` in this log; `(-1, -1)` when unknown.
    public func endOffset(forLeaderEpoch epoch: Int32) -> (leaderEpoch: Int32, endOffset: Int64) {
        state.withLock { $0.epochs.endOffset(for: epoch, logEndOffset: $0.logEndOffset) }
    }

    // MARK: append

    /// Appends a producer's batches as leader. Every batch is validated whole first (length, magic, record
    /// count, CRC-32C, `message.max.bytes`); one bad batch fails the whole append and nothing is written.
    /// Then base offsets (consecutive from the LEO) and `leaderEpoch` are stamped into the headers in place
    /// — `batches` is modified, so pass a uniquely held buffer to avoid a copy — and written in one pwrite.
    public func appendAsLeader(_ batches: inout ByteBuffer, leaderEpoch: Int32, nowMs: Int64) throws(AppendError)
        -> AppendInfo
    {
        let validated = try validateForAppend(batches, nowMs: nowMs)
        return try appendAsLeader(&batches, validated: validated, leaderEpoch: leaderEpoch, nowMs: nowMs)
    }

    /// The first half of `appendAsLeader`: validates every batch whole (length, magic, record count, CRC-32C,
    /// `message.max.bytes`, timestamps against `nowMs` when bounded) without taking the log's lock or writing
    /// anything. A caller that must look at the
    /// headers before deciding to append (the broker's producer-state check) validates here, inspects, then
    /// calls `appendAsLeader(_:validated:leaderEpoch:nowMs:)` — one CRC pass in all.
    public func validateForAppend(_ batches: ByteBuffer, nowMs: Int64) throws(AppendError) -> ValidatedBatches {
        let maxBatchBytes = config.maxMessageBytes
        let window = Self.timestampWindow(config, nowMs: nowMs)
        let summary = try batches.withUnsafeReadableBytes { (bytes) throws(AppendError) in
            try BatchSetSummary.validate(bytes, maxBatchBytes: maxBatchBytes, contiguousOffsets: false, timestamps: window)
        }
        return ValidatedBatches(summary: summary)
    }

    /// The CreateTime timestamps a producer's batch may carry at `nowMs`; nil when neither bound is set.
    static func timestampWindow(_ config: LogConfig, nowMs: Int64) -> ClosedRange<Int64>? {
        guard config.timestampBeforeMaxMs != .max || config.timestampAfterMaxMs != .max else { return nil }
        let (lowest, lowOverflow) = nowMs.subtractingReportingOverflow(config.timestampBeforeMaxMs)
        let (highest, highOverflow) = nowMs.addingReportingOverflow(config.timestampAfterMaxMs)
        return (lowOverflow ? .min : lowest)...(highOverflow ? .max : highest)
    }

    /// The second half of `appendAsLeader`: stamps and writes batches `validateForAppend` accepted. `batches`
    /// must be the buffer validated, unchanged; a different byte count is a bug (crash).
    public func appendAsLeader(
        _ batches: inout ByteBuffer, validated: ValidatedBatches, leaderEpoch: Int32, nowMs: Int64
    ) throws(AppendError) -> AppendInfo {
        precondition(leaderEpoch >= 0, "a leader's epoch is not negative")
        precondition(batches.readableBytes == validated.totalBytes, "appending a buffer other than the validated one")
        let summary = validated.summary
        let outcome = try state.withLock { (state) throws(AppendError) in
            try state.appendAsLeader(&batches, summary: summary, leaderEpoch: leaderEpoch, nowMs: nowMs)
        }
        try finishAppend(outcome, nowMs: nowMs)
        return outcome.info
    }

    /// Appends batches a follower fetched from its leader, as they are (offsets and epochs already stamped).
    /// They must start at the log end offset and continue each other; each is validated whole first.
    public func appendAsFollower(_ batches: ByteBuffer) throws(AppendError) -> AppendInfo {
        let summary = try batches.withUnsafeReadableBytes { (bytes) throws(AppendError) in
            // A follower keeps what the leader accepted, whatever this broker's message.max.bytes.
            try BatchSetSummary.validate(bytes, maxBatchBytes: Int(Int32.max), contiguousOffsets: true)
        }
        let outcome = try state.withLock { (state) throws(AppendError) in
            try state.appendAsFollower(batches, summary: summary)
        }
        try finishAppend(outcome, nowMs: nil)
        return outcome.info
    }

    /// The slow part of an append, after the lock: fsync a rolled segment, persist a new epoch, flush if due.
    /// With `blockingIO` it is queued there and the append returns at once (a failure is logged: the batches
    /// are written, only not yet durable — the recovery point stays below them); without, it runs here.
    private func finishAppend(_ outcome: AppendOutcome, nowMs: Int64?) throws(AppendError) {
        if let rolled = outcome.rolled { observer.rolled(baseOffset: rolled.newBaseOffset) }
        guard let blockingIO else {
            do throws(StorageError) { try finishDurability(outcome, flush: outcome.flushDue, nowMs: nowMs) } catch {
                logger.error("log write not made durable", metadata: ["sluice.error": "\(error)"])
                throw .storage(error)
            }
            return
        }
        let flush = outcome.flushDue
            && flushQueued.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        guard outcome.rolled != nil || outcome.leaderEpochsChanged || flush else { return }
        blockingIO.submit { [self] in
            if flush { flushQueued.store(false, ordering: .releasing) }
            do throws(StorageError) { try finishDurability(outcome, flush: flush, nowMs: nowMs) } catch {
                logger.error("log write not made durable (background)", metadata: ["sluice.error": "\(error)"])
            }
        }
    }

    private func finishDurability(_ outcome: AppendOutcome, flush: Bool, nowMs: Int64?) throws(StorageError) {
        if let rolled = outcome.rolled { try syncRolled(rolled) }
        if outcome.leaderEpochsChanged { try writeCheckpoints(.leaderEpochs) }
        if flush { try self.flush(nowMs: nowMs) }
    }

    private func syncRolled(_ rolled: RolledSegment) throws(StorageError) {
        let started = ContinuousClock.now
        FsyncFault.delayIfAsked()
        for file in rolled.files { try file.sync() }
        try directoryFile.sync()
        observer.flushed(seconds: Self.seconds(since: started))
        state.withLock { state in
            state.completeFlush(
                through: rolled.flushedThrough, recordsFlushed: 0, generation: rolled.generation, nowMs: nil)
        }
        try writeCheckpoints([.leaderEpochs, .recoveryPoint])
    }

    // MARK: read

    /// Whole batches from the one holding `offset`, ending before `maxOffset` (the high watermark for
    /// consumers, the LEO for followers), within `maxBytes` — except that the first batch is returned whole
    /// even when larger (Kafka's rule: a fetch always makes progress). Reads one segment per call.
    /// `offset` equal to the LEO (or at/above `maxOffset`) gives an empty buffer; outside
    /// `logStartOffset...logEndOffset` throws `offsetOutOfRange`.
    public func read(from offset: Int64, maxBytes: Int, maxOffset: Int64) throws(ReadError) -> ByteBuffer {
        precondition(maxBytes >= 0, "maxBytes must not be negative")
        // Bound: a read retries only when a truncation raced it; the last attempt's result stands.
        for attempt in 1...3 {
            guard let plan = try state.withLock({ (state) throws(ReadError) in try state.planRead(offset, maxOffset, maxBytes: maxBytes) })
            else {
                return allocator.buffer(capacity: 0)
            }
            let result: Result<ByteBuffer, ReadError>
            do throws(ReadError) {
                result = .success(try SegmentReader.read(plan, maxBytes: maxBytes, allocator: allocator))
            } catch {
                result = .failure(error)
            }
            let raced = state.withLock { $0.generation != plan.generation }
            if !raced || attempt == 3 { return try result.get() }
        }
        preconditionFailure("unreachable: the last attempt returns")
    }

    /// ListOffsets by time: the first batch whose largest timestamp is at or above `timestampMs`, found
    /// through the time index. Returns the batch's base offset and that timestamp (records are not decoded,
    /// so the offset may be a few records early); nil when every batch is older or the disk fails (logged).
    public func offsetForTimestamp(_ timestampMs: Int64) -> (offset: Int64, timestamp: Int64)? {
        do throws(StorageError) {
            return try state.withLock { (state) throws(StorageError) in try state.offsetForTimestamp(timestampMs) }
        } catch {
            logger.error("offset for timestamp failed", metadata: ["sluice.error": "\(error)"])
            return nil
        }
    }

    // MARK: truncation and retention

    /// Follower truncation: drops every batch holding `offset` or later (a batch straddling `offset` goes
    /// whole; below the log start offset the whole log goes and restarts at `offset`). The high watermark
    /// and recovery point are clamped, leader epochs from the cut on forgotten. Returns the records dropped.
    @discardableResult
    public func truncate(to offset: Int64) throws(StorageError) -> Int64 {
        let (dropped, deletion) = try state.withLock { (state) throws(StorageError) in try state.truncate(to: offset) }
        try finishDeletion(deletion)
        if dropped > 0 {
            try writeCheckpoints(.all)
            reportTruncation(dropped: dropped, deletion: deletion)
        }
        return dropped
    }

    /// Deletes the whole log and restarts it, empty, at `offset` (Kafka's truncateFullyAndStartAt: a follower
    /// whose log end lies below the leader's log start). Returns the records dropped.
    @discardableResult
    public func truncateFully(startingAt offset: Int64) throws(StorageError) -> Int64 {
        let (dropped, deletion) = try state.withLock { (state) throws(StorageError) in
            try state.truncateFully(startingAt: offset)
        }
        try finishDeletion(deletion)
        try directoryFile.sync()
        try writeCheckpoints(.all)
        if dropped > 0 || deletion.count > 0 { reportTruncation(dropped: dropped, deletion: deletion) }
        return dropped
    }

    private func reportTruncation(dropped: Int64, deletion: SegmentDeletion) {
        let (end, start) = state.withLock { ($0.logEndOffset, $0.logStartOffset) }
        observer.truncated(
            TruncationResult(
                segmentsDeleted: deletion.count, bytesDeleted: deletion.bytes, offsetsDropped: dropped,
                logEndOffset: end, logStartOffset: start))
    }

    /// Deletes whole old segments by `log.retention.ms` (the segment's newest batch is older) and
    /// `log.retention.bytes` (keep the total at or under it); never the active segment nor data at or above
    /// the high watermark. Advances the log start offset.
    public func applyRetention(nowMs: Int64) throws(StorageError) -> RetentionResult {
        let (result, deletion) = try state.withLock { (state) throws(StorageError) in
            try state.applyRetention(nowMs: nowMs)
        }
        guard result.segmentsDeleted > 0 else { return result }
        try finishDeletion(deletion)
        try writeCheckpoints(.leaderEpochs)
        // The broker's observer writes the readable info line; this one carries the raw fields.
        logger.debug(
            "retention deleted segments",
            metadata: [
                "sluice.segments": "\(result.segmentsDeleted)", "sluice.log_start_offset": "\(result.logStartOffset)",
            ])
        observer.retained(result)
        return result
    }

    private func finishDeletion(_ deletion: SegmentDeletion) throws(StorageError) {
        guard !deletion.renamedPaths.isEmpty else { return }
        try directoryFile.sync()
        for path in deletion.renamedPaths { try PartitionDirectory.removeFile(path) }
    }

    // MARK: durability

    /// fsyncs every segment holding unflushed offsets (log and indexes), advances the recovery point to
    /// the LEO seen before the syncs, and rewrites the checkpoints. The syncs run outside the lock.
    public func flush() throws(StorageError) {
        try flush(nowMs: nil)
    }

    /// Flushes when `log.flush.interval.messages` or `log.flush.interval.ms` says so (call it from a timer).
    /// Returns whether it flushed.
    @discardableResult
    public func flushIfDue(nowMs: Int64) throws(StorageError) -> Bool {
        guard state.withLock({ $0.isFlushDue(nowMs: nowMs) }) else { return false }
        try flush(nowMs: nowMs)
        return true
    }

    /// Writes `high-watermark-checkpoint` if the high watermark moved since it was last written (Kafka does this
    /// every `replica.high.watermark.checkpoint.interval.ms`).
    public func checkpointHighWatermark() throws(StorageError) {
        try writeCheckpoints(.highWatermark)
    }

    private func flush(nowMs: Int64?) throws(StorageError) {
        guard let plan = try state.withLock({ (state) throws(StorageError) in try state.planFlush() }) else { return }
        try sync(plan)
        state.withLock { state in
            state.completeFlush(
                through: plan.flushedThrough, recordsFlushed: plan.recordsFlushed, generation: plan.generation,
                nowMs: nowMs)
        }
        try writeCheckpoints(.all)
    }

    private func sync(_ plan: FlushPlan) throws(StorageError) {
        guard !plan.files.isEmpty || plan.syncDirectory else { return }
        let started = ContinuousClock.now
        FsyncFault.delayIfAsked()
        for file in plan.files { try file.sync() }
        if plan.syncDirectory { try directoryFile.sync() }
        observer.flushed(seconds: Self.seconds(since: started))
    }

    /// Flushes, writes the checkpoints and the clean-shutdown marker (so the next open skips the scan), and
    /// releases the segments. Appends and reads then fail; a second close does nothing.
    public func close() throws(StorageError) {
        guard let plan = try state.withLock({ (state) throws(StorageError) in try state.planClose() }) else { return }
        try sync(plan)
        state.withLock { state in
            state.completeFlush(
                through: plan.flushedThrough, recordsFlushed: plan.recordsFlushed, generation: plan.generation,
                nowMs: nil)
        }
        try writeCheckpoints(.all)
        try CheckpointFile.touch(directory: directoryFile, name: CheckpointFile.cleanShutdownMarker)
        state.withLock { $0.segments.removeAll() }
        logger.debug("log closed")
    }

    /// Rewrites the chosen checkpoint files whose values changed since they were last written.
    private func writeCheckpoints(_ kinds: CheckpointKinds) throws(StorageError) {
        try checkpoints.withLock { (record) throws(StorageError) in
            let (highWatermark, recoveryPoint, epochs) = state.withLock {
                ($0.highWatermark, $0.recoveryPoint, $0.epochs.entries)
            }
            // Epochs before the recovery point: a recovery point on disk never covers batches whose epoch is
            // not (recovery rebuilds epochs only from the segments it scans, those at/after that point).
            if kinds.contains(.leaderEpochs), record.leaderEpochs != epochs {
                try CheckpointFile.write(
                    CheckpointFile.epochsText(epochs), directory: directoryFile, name: CheckpointFile.leaderEpochs)
                record.leaderEpochs = epochs
            }
            if kinds.contains(.recoveryPoint), record.recoveryPoint != recoveryPoint {
                try CheckpointFile.write(
                    CheckpointFile.offsetText(topic: topic, partition: partition, offset: recoveryPoint),
                    directory: directoryFile, name: CheckpointFile.recoveryPoint)
                record.recoveryPoint = recoveryPoint
            }
            if kinds.contains(.highWatermark), record.highWatermark != highWatermark {
                try CheckpointFile.write(
                    CheckpointFile.offsetText(topic: topic, partition: partition, offset: highWatermark),
                    directory: directoryFile, name: CheckpointFile.highWatermark)
                record.highWatermark = highWatermark
            }
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    // MARK: testing

    /// Tests only: the next append writes `bytesBeforeFailure` bytes, then fails with `errorNumber`.
    func injectWriteFault(errorNumber: Int32, bytesBeforeFailure: Int) {
        state.withLock { $0.writeFault = WriteFault(errorNumber: errorNumber, bytesBeforeFailure: bytesBeforeFailure) }
    }
}
