import SluiceWire

/// What rescanning a segment found.
struct SegmentRescan: Sendable, Hashable {
    /// Bytes cut off the end of the file.
    var truncatedBytes: Int
    /// Why the scan stopped early; nil when it read to the end (or to the requested cut).
    var problem: String?
}

extension LogSegment {
    /// Rescans the file from its start and rebuilds size, offsets and both indexes from the batches.
    ///
    /// With `validate`, every batch is checked whole (recovery); without, headers only (after a truncation,
    /// of batches validated when appended). The file is cut at `cutPosition` (a batch boundary) or at the
    /// first batch that fails, whichever comes first; then indexes are rewritten and everything fsynced.
    /// `onBatch` sees each batch kept, in order (recovery rebuilds the leader-epoch cache from it).
    func rescan(
        validate: Bool, cutPosition: Int? = nil, onBatch: (RecordBatchHeader) -> Void = { _ in }
    ) throws(StorageError) -> SegmentRescan {
        let fileSizeBytes = Int(try log.status().sizeBytes)
        let scanEnd = min(cutPosition ?? fileSizeBytes, fileSizeBytes)
        precondition(scanEnd >= 0, "cut position must not be negative")
        resetAccounting()
        let window = FileWindow(file: log, fileEnd: scanEnd, capacityBytes: validate ? 1 << 20 : 64 << 10)
        let end = try BatchWalk.walk(window, from: 0, expectedBaseOffset: baseOffset, validate: validate) {
            header, position in
            noteBatch(header, at: position)
            onBatch(header)
            return true
        }
        assert(end.position == sizeBytes, "every batch before the walk's end is accounted")
        if end.position < fileSizeBytes {
            try log.truncate(toBytes: Int64(end.position))
        }
        try cutGarbageTail()
        try persistIndexes()
        for file in syncTargets { try file.sync() }
        return SegmentRescan(truncatedBytes: fileSizeBytes - end.position, problem: end.problem)
    }

    /// File position of the batch holding `offset` (the first batch whose last offset is at or above it),
    /// or `sizeBytes` when the segment ends before it. Scans headers from the sparse index's entry.
    func position(ofBatchHolding offset: Int64) throws(StorageError) -> Int {
        let start = indexedPosition(atOrBefore: max(offset, baseOffset))
        let window = FileWindow(file: log, fileEnd: sizeBytes, capacityBytes: 64 << 10)
        var found: Int?
        let end = try BatchWalk.walk(window, from: start, expectedBaseOffset: nil, validate: false) {
            header, position in
            guard header.lastOffset < offset else {
                found = position
                return false
            }
            return true
        }
        return found ?? end.position
    }
}
