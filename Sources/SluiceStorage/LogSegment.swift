import Glibc
import SluiceWire

/// One segment of a partition log: `<base>.log` holding whole batches back to back, its sparse
/// offset index (`.index`) and its time index (`.timeindex`).
///
/// Not thread-safe: it lives inside `PartitionLogState`, behind the partition's lock. Readers outside
/// the lock keep only its `log` descriptor and read below a size they captured under the lock.
final class LogSegment {
    let baseOffset: Int64
    let directory: String
    let log: FileDescriptor
    var offsetIndex: SparseIndex<OffsetIndexEntry>
    var timeIndex: SparseIndex<TimeIndexEntry>
    /// `log.index.interval.bytes`.
    let indexIntervalBytes: Int
    /// Bytes of whole batches in the file; readers never look past it, appends write at it.
    private(set) var sizeBytes: Int
    /// Offset after the segment's last batch (its base offset while empty).
    private(set) var nextOffset: Int64
    /// Largest batch `maxTimestamp` in the segment; `Int64.min` while it holds no batch.
    private(set) var largestTimestamp: Int64 = .min
    private var lastOffsetOfLargestTimestamp: Int64
    private var bytesSinceLastIndexEntry = 0
    /// A failed append could not be cut back: bytes past `sizeBytes` are garbage until cut.
    private(set) var hasGarbageTail = false

    private init(
        baseOffset: Int64, directory: String, log: FileDescriptor, offsetIndexFile: FileDescriptor,
        timeIndexFile: FileDescriptor, config: LogConfig, sizeBytes: Int
    ) {
        precondition(baseOffset >= 0, "segment base offset must not be negative")
        self.baseOffset = baseOffset
        self.directory = directory
        self.log = log
        self.offsetIndex = SparseIndex(
            file: offsetIndexFile, maxEntries: config.segmentIndexBytes / OffsetIndexEntry.byteCount)
        self.timeIndex = SparseIndex(
            file: timeIndexFile, maxEntries: config.segmentIndexBytes / TimeIndexEntry.byteCount)
        self.indexIntervalBytes = config.indexIntervalBytes
        self.sizeBytes = sizeBytes
        self.nextOffset = baseOffset
        self.lastOffsetOfLargestTimestamp = baseOffset
    }

    /// Creates a new, empty segment; fails if its log file already exists.
    static func create(directory: String, baseOffset: Int64, config: LogConfig) throws(StorageError) -> LogSegment {
        let logPath = SegmentFileName.logPath(directory: directory, baseOffset: baseOffset)
        let log = try FileDescriptor.open(logPath, flags: O_RDWR | O_CREAT | O_EXCL)
        do throws(StorageError) {
            let offsetIndexFile = try FileDescriptor.open(
                SegmentFileName.offsetIndexPath(directory: directory, baseOffset: baseOffset),
                flags: O_RDWR | O_CREAT | O_TRUNC)
            let timeIndexFile = try FileDescriptor.open(
                SegmentFileName.timeIndexPath(directory: directory, baseOffset: baseOffset),
                flags: O_RDWR | O_CREAT | O_TRUNC)
            return LogSegment(
                baseOffset: baseOffset, directory: directory, log: log, offsetIndexFile: offsetIndexFile,
                timeIndexFile: timeIndexFile, config: config, sizeBytes: 0)
        } catch {
            _ = unlink(logPath)
            throw error
        }
    }

    /// Opens an existing segment; its size is the file's, its offsets unknown until `loadIndexes` or `recover`.
    static func open(directory: String, baseOffset: Int64, config: LogConfig) throws(StorageError) -> LogSegment {
        let log = try FileDescriptor.open(
            SegmentFileName.logPath(directory: directory, baseOffset: baseOffset), flags: O_RDWR)
        let offsetIndexFile = try FileDescriptor.open(
            SegmentFileName.offsetIndexPath(directory: directory, baseOffset: baseOffset), flags: O_RDWR | O_CREAT)
        let timeIndexFile = try FileDescriptor.open(
            SegmentFileName.timeIndexPath(directory: directory, baseOffset: baseOffset), flags: O_RDWR | O_CREAT)
        let sizeBytes = try log.status().sizeBytes
        return LogSegment(
            baseOffset: baseOffset, directory: directory, log: log, offsetIndexFile: offsetIndexFile,
            timeIndexFile: timeIndexFile, config: config, sizeBytes: Int(sizeBytes))
    }

    var isEmpty: Bool { sizeBytes == 0 }
    /// The descriptors a flush of this segment syncs.
    var syncTargets: [FileDescriptor] { [log, offsetIndex.file, timeIndex.file] }

    /// Whether one more append of `batchCount` batches ending at `lastOffset` must go to a new segment instead.
    func mustRoll(appendBytes: Int, batchCount: Int, lastOffset: Int64, segmentBytes: Int) -> Bool {
        guard !isEmpty else { return false }
        // +1: sealing adds a last time-index entry.
        let indexesFull =
            offsetIndex.entries.count + batchCount > offsetIndex.maxEntries
            || timeIndex.entries.count + batchCount + 1 > timeIndex.maxEntries
        return sizeBytes + appendBytes > segmentBytes || lastOffset - baseOffset > Int64(UInt32.max) || indexesFull
    }

    /// Writes whole batches at the end of the file in one pwrite. On failure the file is cut back to
    /// `sizeBytes`, so the segment holds exactly what it held. `noteBatch` then accounts each batch.
    func append(_ bytes: UnsafeRawBufferPointer, fault: WriteFault?) throws(StorageError) {
        precondition(sizeBytes + bytes.count <= Int(UInt32.max), "segment positions must fit the index")
        do throws(StorageError) {
            if let fault {
                let prefix = UnsafeRawBufferPointer(rebasing: bytes[0..<min(fault.bytesBeforeFailure, bytes.count)])
                try log.write(prefix, at: Int64(sizeBytes))
                throw StorageError(operation: "pwrite", path: log.path, errorNumber: fault.errorNumber)
            }
            try log.write(bytes, at: Int64(sizeBytes))
            hasGarbageTail = false
        } catch {
            do throws(StorageError) {
                try log.truncate(toBytes: Int64(sizeBytes))
            } catch _ {
                // The next append overwrites from `sizeBytes`; close and recovery cut whatever remains.
                hasGarbageTail = true
            }
            throw error
        }
    }

    /// Accounts one batch now in the file at `position` (= the old size): size, next offset, largest
    /// timestamp, and an index entry every `log.index.interval.bytes`.
    func noteBatch(_ header: RecordBatchHeader, at position: Int) {
        precondition(position == sizeBytes, "batches are noted in file order")
        assert(header.baseOffset == nextOffset, "batch offsets continue the segment")
        if header.maxTimestamp > largestTimestamp {
            largestTimestamp = header.maxTimestamp
            lastOffsetOfLargestTimestamp = header.lastOffset
        }
        if bytesSinceLastIndexEntry >= indexIntervalBytes, !offsetIndex.isFull {
            offsetIndex.append(
                OffsetIndexEntry(relativeOffset: relative(header.lastOffset), position: UInt32(position)))
            appendTimeEntryIfGrown()
            bytesSinceLastIndexEntry = 0
        }
        bytesSinceLastIndexEntry += header.totalSize
        sizeBytes += header.totalSize
        nextOffset = header.nextOffset
    }

    /// On roll and close: a last time-index entry for the largest timestamp, so a later open reads it back.
    func seal() throws(StorageError) {
        appendTimeEntryIfGrown()
        try persistIndexes()
    }

    func persistIndexes() throws(StorageError) {
        try offsetIndex.persist()
        try timeIndex.persist()
    }

    /// Cuts bytes past `sizeBytes` left by a failed append that could not be cut at the time.
    func cutGarbageTail() throws(StorageError) {
        guard hasGarbageTail else { return }
        try log.truncate(toBytes: Int64(sizeBytes))
        hasGarbageTail = false
    }

    /// File position from which a scan finds the batch holding `offset`: the sparse index's entry at or
    /// below it, else the segment start.
    func indexedPosition(atOrBefore offset: Int64) -> Int {
        precondition(offset >= baseOffset, "offset \(offset) below segment base \(baseOffset)")
        guard offset - baseOffset <= Int64(UInt32.max) else { return Int(offsetIndex.last?.position ?? 0) }
        let target = UInt32(offset - baseOffset)
        guard let slot = offsetIndex.lastIndex(where: { $0.relativeOffset <= target }) else { return 0 }
        return Int(offsetIndex.entries[slot].position)
    }

    /// The start of the last indexed batch that begins at or before `position` and whose last offset is below
    /// `offset` (0 when none): every batch before it is whole and below `offset` too.
    func indexedBatchStart(atOrBefore position: Int, lastOffsetBelow offset: Int64) -> Int {
        guard position >= 0, offset > baseOffset else { return 0 }
        let slot = offsetIndex.lastIndex { entry in
            Int(entry.position) <= position && baseOffset + Int64(entry.relativeOffset) < offset
        }
        return slot.map { Int(offsetIndex.entries[$0].position) } ?? 0
    }

    /// File position from which a scan finds the first batch with `maxTimestamp >= timestamp`: batches up
    /// to a time-index entry below `timestamp` are all older.
    func indexedPosition(forTimestamp timestamp: Int64) -> Int {
        guard let slot = timeIndex.lastIndex(where: { $0.timestamp < timestamp }) else { return 0 }
        let olderThrough = baseOffset + Int64(timeIndex.entries[slot].relativeOffset)
        return indexedPosition(atOrBefore: olderThrough + 1)
    }

    private func relative(_ offset: Int64) -> UInt32 {
        precondition(
            offset >= baseOffset && offset - baseOffset <= Int64(UInt32.max), "offset \(offset) outside segment")
        return UInt32(offset - baseOffset)
    }

    private func appendTimeEntryIfGrown() {
        guard largestTimestamp != .min, !timeIndex.isFull else { return }
        guard timeIndex.last.map({ largestTimestamp > $0.timestamp }) ?? true else { return }
        timeIndex.append(
            TimeIndexEntry(timestamp: largestTimestamp, relativeOffset: relative(lastOffsetOfLargestTimestamp)))
    }

    /// Forgets every batch: the start of a rescan (recovery, truncation).
    func resetAccounting() {
        offsetIndex.removeEntries(from: 0)
        timeIndex.removeEntries(from: 0)
        sizeBytes = 0
        nextOffset = baseOffset
        largestTimestamp = .min
        lastOffsetOfLargestTimestamp = baseOffset
        bytesSinceLastIndexEntry = 0
    }

    /// Takes the state of a segment a clean run sealed: loaded indexes, and for the last segment the
    /// batches after the last index entry. Returns false when anything disagrees (recover it instead).
    func loadSealed(nextBaseOffset: Int64?) throws(StorageError) -> Bool {
        guard try offsetIndex.load(logSizeBytes: sizeBytes), try timeIndex.load(logSizeBytes: sizeBytes) else {
            return false
        }
        if let last = timeIndex.last {
            largestTimestamp = last.timestamp
            lastOffsetOfLargestTimestamp = baseOffset + Int64(last.relativeOffset)
        }
        guard !isEmpty else { return nextBaseOffset == nil && offsetIndex.entries.isEmpty && timeIndex.entries.isEmpty }
        guard timeIndex.last != nil else { return false }
        if let nextBaseOffset {
            nextOffset = nextBaseOffset
            bytesSinceLastIndexEntry = sizeBytes - Int(offsetIndex.last?.position ?? 0)
            return nextOffset > baseOffset
        }
        return try loadTail()
    }

    /// Walks the batches after the last index entry to find the next offset of the active segment.
    private func loadTail() throws(StorageError) -> Bool {
        let start = Int(offsetIndex.last?.position ?? 0)
        let window = FileWindow(file: log, fileEnd: sizeBytes, capacityBytes: 64 * 1024)
        var lastHeader: RecordBatchHeader?
        let end = try BatchWalk.walk(window, from: start, expectedBaseOffset: nil, validate: false) { header, _ in
            if let previous = lastHeader, header.baseOffset != previous.nextOffset { return false }
            lastHeader = header
            return true
        }
        guard end.problem == nil, end.position == sizeBytes, let lastHeader else { return false }
        if let entry = offsetIndex.last, baseOffset + Int64(entry.relativeOffset) > lastHeader.lastOffset {
            return false
        }
        nextOffset = lastHeader.nextOffset
        bytesSinceLastIndexEntry = sizeBytes - start
        return nextOffset > baseOffset
    }

    /// Renames the segment's files to `*.deleted` (a cheap step under the lock; `unlink` follows outside it).
    /// Returns the renamed paths.
    func renameForDeletion() throws(StorageError) -> [String] {
        let paths = [log.path, offsetIndex.file.path, timeIndex.file.path]
        var renamed: [String] = []
        for path in paths {
            let target = path + SegmentFileName.deletedSuffix
            if rename(path, target) == 0 {
                renamed.append(target)
            } else if errno != ENOENT {
                throw StorageError.fromErrno("rename", path)
            }
        }
        return renamed
    }
}
