import SluiceWire

extension PartitionLog {
    /// Calls `body` with the header of every batch holding offsets at or above `offset` (a batch straddling
    /// `offset` included; below the log start offset, from the log start), oldest first, up to the log end
    /// offset as it was when the call began. Headers only: no CRC check (the batches were validated when
    /// appended or recovered). Returns the number of headers passed to `body`.
    ///
    /// The broker rebuilds idempotent-producer state with it. The segments are read outside the log's lock,
    /// so appends go on meanwhile (and are not seen); a truncation racing the scan may end it early — callers
    /// that truncate serialize with their own scans. A header that does not parse is a corrupt segment: thrown.
    @discardableResult
    public func forEachBatchHeader(from offset: Int64, _ body: (RecordBatchHeader) -> Void) throws(StorageError) -> Int {
        precondition(offset >= 0, "offsets are not negative")
        let scans = try state.withLock { (state) throws(StorageError) in try state.planHeaderScan(from: offset) }
        var visited = 0
        for scan in scans {
            let window = FileWindow(file: scan.file, fileEnd: scan.endPosition, capacityBytes: 64 << 10)
            let end = try BatchWalk.walk(window, from: scan.startPosition, expectedBaseOffset: nil, validate: false) {
                header, _ in
                if header.lastOffset >= offset {
                    body(header)
                    visited += 1
                }
                return true
            }
            if let problem = end.problem {
                throw StorageError(operation: "scan", path: scan.file.path, errorNumber: 0, detail: problem)
            }
            assert(end.position == scan.endPosition, "a clean walk reaches the committed end")
        }
        return visited
    }
}
