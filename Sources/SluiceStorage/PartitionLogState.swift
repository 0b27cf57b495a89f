import Glibc
import SluiceWire

/// Everything a partition log knows, mutated only behind `PartitionLog`'s lock.
///
/// Invariants (checked by `checkInvariants` after every change in debug builds, the durable-data
/// ones by `precondition` where they are set): segments are sorted and contiguous, the last is
/// active; `logStartOffset ≤ highWatermark ≤ logEndOffset`; `recoveryPoint ≤ logEndOffset`.
struct PartitionLogState {
    let directory: String
    let topic: String
    let partition: Int32
    let config: LogConfig
    /// Oldest first; the last one is active. Empty only once closed.
    var segments: [LogSegment]
    var logStartOffset: Int64
    var logEndOffset: Int64
    var highWatermark: Int64
    /// Everything below it is on stable storage (Kafka's recovery point).
    var recoveryPoint: Int64
    var epochs: LeaderEpochCache
    /// An epoch was assigned in memory (a new leader, before its first append) and is not in the checkpoint
    /// yet: the next leader append writes it. Losing it in a crash loses nothing: no batch carries that epoch.
    var epochsUnpersisted = false
    var sizeBytes: Int64
    var recordsSinceFlush: Int64 = 0
    /// Time of the last flush on the caller's clock; nil until an append or timer first says the time.
    var lastFlushMs: Int64?
    /// Bumped by every truncation, so a flush or read planned before it does not trust its result.
    var generation: UInt64 = 0
    /// A segment was created since the directory was last fsynced.
    var directoryNeedsSync = false
    var isClosed = false
    /// Tests only: the next append's write fails this way.
    var writeFault: WriteFault?

    init(
        directory: String, topic: String, partition: Int32, config: LogConfig, segments: [LogSegment],
        highWatermark: Int64, epochs: LeaderEpochCache
    ) {
        precondition(!segments.isEmpty, "an open log has an active segment")
        self.directory = directory
        self.topic = topic
        self.partition = partition
        self.config = config
        self.segments = segments
        self.logStartOffset = segments[0].baseOffset
        self.logEndOffset = segments[segments.count - 1].nextOffset
        self.highWatermark = min(max(highWatermark, logStartOffset), logEndOffset)
        self.recoveryPoint = logEndOffset
        self.epochs = epochs
        self.sizeBytes = segments.reduce(0) { $0 + Int64($1.sizeBytes) }
        checkInvariants()
    }

    var activeSegment: LogSegment {
        precondition(!segments.isEmpty, "no active segment once closed")
        return segments[segments.count - 1]
    }

    /// The segment holding `offset`: the last whose base offset is at or below it.
    func segmentIndex(containing offset: Int64) -> Int {
        precondition(offset >= logStartOffset, "offset \(offset) below log start \(logStartOffset)")
        var low = 0
        var high = segments.count  // invariant: segments[..<low] start at or below offset, segments[high...] above
        while low < high {
            let middle = low + (high - low) / 2
            if segments[middle].baseOffset <= offset { low = middle + 1 } else { high = middle }
        }
        assert(low >= 1, "the first segment starts at the log start offset")
        return low - 1
    }

    /// Re-derives the offsets and size from the segments after they change.
    mutating func refreshFromSegments() {
        logStartOffset = segments[0].baseOffset
        logEndOffset = activeSegment.nextOffset
        sizeBytes = segments.reduce(0) { $0 + Int64($1.sizeBytes) }
        highWatermark = min(max(highWatermark, logStartOffset), logEndOffset)
        recoveryPoint = min(recoveryPoint, logEndOffset)
    }

    func checkInvariants() {
        assert(
            zip(segments, segments.dropFirst()).allSatisfy { $0.nextOffset == $1.baseOffset }, "segments are contiguous"
        )
        assert(segments.isEmpty || logEndOffset == activeSegment.nextOffset, "LEO is the active segment's end")
        assert(segments.isEmpty || logStartOffset == segments[0].baseOffset, "log start is the first segment's base")
        precondition(
            logStartOffset <= highWatermark, "high watermark \(highWatermark) below log start \(logStartOffset)")
        precondition(highWatermark <= logEndOffset, "high watermark \(highWatermark) above LEO \(logEndOffset)")
        precondition(recoveryPoint <= logEndOffset, "recovery point \(recoveryPoint) above LEO \(logEndOffset)")
    }

    // MARK: flush

    /// Writes pending index entries and lists what to fsync: every segment holding offsets at or above
    /// the recovery point. nil once closed.
    mutating func planFlush() throws(StorageError) -> FlushPlan? {
        guard !isClosed else { return nil }
        var files: [FileDescriptor] = []
        for segment in segments.reversed() {
            guard segment.nextOffset > recoveryPoint || segment === activeSegment else { break }
            try segment.persistIndexes()
            files += segment.syncTargets
        }
        let syncDirectory = directoryNeedsSync
        directoryNeedsSync = false
        return FlushPlan(
            files: logEndOffset > recoveryPoint ? files : [], syncDirectory: syncDirectory,
            flushedThrough: logEndOffset, recordsFlushed: recordsSinceFlush, generation: generation)
    }

    /// Records a finished flush: the recovery point moves up unless a truncation happened meanwhile.
    mutating func completeFlush(through offset: Int64, recordsFlushed: Int64, generation planned: UInt64, nowMs: Int64?)
    {
        if planned == generation, offset > recoveryPoint {
            precondition(offset <= logEndOffset, "flushed offset \(offset) above LEO \(logEndOffset)")
            recoveryPoint = offset
        }
        recordsSinceFlush = max(0, recordsSinceFlush - recordsFlushed)
        if let nowMs { lastFlushMs = nowMs }
    }

    /// Whether the flush policy asks for a flush now; starts the interval clock on its first call.
    mutating func isFlushDue(nowMs: Int64?) -> Bool {
        if lastFlushMs == nil, let nowMs { lastFlushMs = nowMs }
        return FlushPolicy.isDue(
            recordsSinceFlush: recordsSinceFlush, lastFlushMs: lastFlushMs, nowMs: nowMs, config: config)
    }
}
