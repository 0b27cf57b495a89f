import SluiceWire

extension PartitionLogState {
    // MARK: retention

    /// Deletes the oldest segments that `log.retention.ms` or `log.retention.bytes` condemn. Never the
    /// active segment, and never a segment holding offsets at or above the high watermark (data not yet
    /// replicated everywhere stays). The files are renamed here; the caller unlinks them.
    mutating func applyRetention(nowMs: Int64) throws(StorageError) -> (RetentionResult, SegmentDeletion) {
        guard !isClosed else { throw Self.closedError(directory) }
        let previousStart = logStartOffset
        var byTime = 0
        if config.retentionMs >= 0 {
            while isDeletable(byTime), try isExpired(segments[byTime], nowMs: nowMs) { byTime += 1 }
        }
        var bySize = 0
        if config.retentionBytes >= 0 {
            var excessBytes = sizeBytes - config.retentionBytes
            for segment in segments[..<byTime] { excessBytes -= Int64(segment.sizeBytes) }
            while isDeletable(byTime + bySize), excessBytes >= Int64(segments[byTime + bySize].sizeBytes) {
                excessBytes -= Int64(segments[byTime + bySize].sizeBytes)
                bySize += 1
            }
        }
        var bytesByTime: Int64 = 0
        for segment in segments[..<byTime] { bytesByTime += Int64(segment.sizeBytes) }
        let deletion = try deleteOldest(byTime + bySize)
        assert(deletion.count == byTime + bySize, "a failed rename throws, it does not stop early")
        let result = RetentionResult(
            segmentsDeletedByTime: byTime, segmentsDeletedBySize: bySize, bytesDeletedByTime: bytesByTime,
            bytesDeletedBySize: deletion.bytes - bytesByTime, previousLogStartOffset: previousStart,
            logStartOffset: logStartOffset)
        return (result, deletion)
    }

    /// Whether `segments[index]` may go: not active, and wholly below the high watermark.
    private func isDeletable(_ index: Int) -> Bool {
        index < segments.count - 1 && segments[index + 1].baseOffset <= highWatermark
    }

    private func isExpired(_ segment: LogSegment, nowMs: Int64) throws(StorageError) -> Bool {
        // A segment without timestamps (none, or Kafka's NO_TIMESTAMP -1) ages by its file's modification
        // time, as in Kafka.
        let timestamp = segment.largestTimestamp >= 0 ? segment.largestTimestamp : try segment.log.status().modifiedMs
        return nowMs - timestamp > config.retentionMs
    }

    /// Renames the files of `segments[..<count]` for deletion and drops them; stops early if a rename fails.
    private mutating func deleteOldest(_ count: Int) throws(StorageError) -> SegmentDeletion {
        precondition(count < segments.count, "the active segment is never deleted")
        var deletion = SegmentDeletion()
        guard count > 0 else { return deletion }
        defer {
            segments.removeFirst(deletion.count)
            refreshFromSegments()
            epochs.truncateFromStart(startOffset: logStartOffset)
            checkInvariants()
        }
        for segment in segments[..<count] {
            deletion.renamedPaths += try segment.renameForDeletion()
            deletion.bytes += Int64(segment.sizeBytes)
            deletion.count += 1
        }
        return deletion
    }

    // MARK: truncation

    /// Drops every batch holding `offset` or later (a batch straddling it goes whole). Below the log start
    /// offset, the whole log goes and restarts empty at `offset`. Returns the offsets dropped.
    mutating func truncate(to offset: Int64) throws(StorageError) -> (dropped: Int64, deletion: SegmentDeletion) {
        guard !isClosed else { throw Self.closedError(directory) }
        precondition(offset >= 0, "truncation offset must not be negative")
        guard offset < logEndOffset else { return (0, SegmentDeletion()) }
        guard offset >= logStartOffset else { return try truncateFully(startingAt: offset) }
        let previousEnd = logEndOffset
        let index = segmentIndex(containing: offset)
        var deletion = SegmentDeletion()
        // Newest first: a crash part-way leaves a shorter but contiguous log.
        for segment in segments[(index + 1)...].reversed() {
            deletion.renamedPaths += try segment.renameForDeletion()
            deletion.bytes += Int64(segment.sizeBytes)
            deletion.count += 1
            segments.removeLast()
        }
        let segment = segments[index]
        generation += 1
        defer {
            refreshFromSegments()
            epochs.truncateFromEnd(endOffset: logEndOffset)
            checkInvariants()
        }
        let cut = try segment.position(ofBatchHolding: offset)
        _ = try segment.rescan(validate: false, cutPosition: cut)
        precondition(segment.nextOffset <= offset, "truncation to \(offset) left offsets up to \(segment.nextOffset)")
        return (previousEnd - segment.nextOffset, deletion)
    }

    /// Deletes every segment and starts an empty log at `offset` (a follower far behind the leader's log start).
    mutating func truncateFully(startingAt offset: Int64) throws(StorageError) -> (
        dropped: Int64, deletion: SegmentDeletion
    ) {
        guard !isClosed else { throw Self.closedError(directory) }
        precondition(offset >= 0, "log start offset must not be negative")
        let dropped = logEndOffset - logStartOffset
        var deletion = SegmentDeletion()
        for segment in segments.reversed() {
            deletion.renamedPaths += try segment.renameForDeletion()
            deletion.bytes += Int64(segment.sizeBytes)
            deletion.count += 1
        }
        generation += 1
        segments = [try LogSegment.create(directory: directory, baseOffset: offset, config: config)]
        directoryNeedsSync = true
        highWatermark = offset
        recoveryPoint = offset
        epochs = LeaderEpochCache()
        refreshFromSegments()
        checkInvariants()
        return (dropped, deletion)
    }

    // MARK: timestamps

    /// The first batch whose `maxTimestamp` is at or above `timestamp`: its base offset and that timestamp.
    func offsetForTimestamp(_ timestamp: Int64) throws(StorageError) -> (offset: Int64, timestamp: Int64)? {
        guard !isClosed else { throw Self.closedError(directory) }
        for segment in segments where segment.largestTimestamp >= timestamp && segment.largestTimestamp != .min {
            let window = FileWindow(file: segment.log, fileEnd: segment.sizeBytes, capacityBytes: 64 << 10)
            var found: (offset: Int64, timestamp: Int64)?
            let start = segment.indexedPosition(forTimestamp: timestamp)
            _ = try BatchWalk.walk(window, from: start, expectedBaseOffset: nil, validate: false) {
                (header, position) throws(StorageError) in
                guard header.maxTimestamp >= timestamp else { return true }
                found = try Self.firstRecord(atOrAfter: timestamp, in: window, at: position, header: header)
                return false
            }
            if let found { return found }
        }
        return nil
    }

    /// The first record of the batch at `position` whose timestamp is at least `timestamp` (Kafka's
    /// `findOffsetByTimestamp`: records inside a batch need not be in timestamp order, and the batch's base
    /// offset may be earlier than the record asked for). Decodes the batch, decompressing a Kafka one; a batch
    /// that does not decode answers at the batch's level, as the header says.
    static func firstRecord(
        atOrAfter timestamp: Int64, in window: FileWindow, at position: Int, header: RecordBatchHeader
    ) throws(StorageError) -> (offset: Int64, timestamp: Int64) {
        let batchLevel = (header.baseOffset, header.maxTimestamp)
        guard let bytes = try window.bytes(at: position, count: header.totalSize) else { return batchLevel }
        var first: (offset: Int64, timestamp: Int64)?
        do {
            _ = try RecordBatchReader.forEachRecord(in: bytes) { record in
                if first == nil, record.timestamp >= timestamp { first = (record.offset, record.timestamp) }
            }
        } catch {
            return batchLevel
        }
        return first ?? batchLevel
    }

    // MARK: close

    /// Stops the log taking appends and seals the active segment; returns what to fsync. nil when already closed.
    mutating func planClose() throws(StorageError) -> FlushPlan? {
        guard !isClosed else { return nil }
        isClosed = true
        let active = activeSegment
        try active.cutGarbageTail()
        try active.seal()
        var files: [FileDescriptor] = []
        for segment in segments where segment.nextOffset > recoveryPoint || segment === active {
            try segment.persistIndexes()
            files += segment.syncTargets
        }
        return FlushPlan(
            files: files, syncDirectory: true, flushedThrough: logEndOffset, recordsFlushed: recordsSinceFlush,
            generation: generation)
    }

    static func closedError(_ directory: String) -> StorageError {
        StorageError(operation: "use", path: directory, errorNumber: 0, detail: "log is closed")
    }
}
