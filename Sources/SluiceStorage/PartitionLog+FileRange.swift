import SluiceWire

extension PartitionLog {
    /// Fetch's zero-copy read: exactly the batches `read(from:maxBytes:maxOffset:)` returns — whole batches from
    /// the one holding `offset`, ending before `maxOffset`, within `maxBytes` except a larger first batch, one
    /// segment per call — but as a range of the segment file, for the socket to send with sendfile. Only batch
    /// headers are read (16 KiB windows); nil when the answer is empty.
    ///
    /// Lifetime: the range retains the segment's descriptor, so a segment that retention or truncation
    /// deletes meanwhile stays readable until the range is released. A truncation in place racing this call
    /// is retried as `read` does; one after it is caught when the range is sent (`FramePartWriter`).
    public func readFileRange(from offset: Int64, maxBytes: Int, maxOffset: Int64) throws(ReadError) -> FileRange? {
        precondition(maxBytes >= 0, "maxBytes must not be negative")
        // Bound: a read retries only when a truncation raced it; the last attempt's result stands.
        for attempt in 1...3 {
            let planned = try state.withLock { (state) throws(ReadError) in
                try state.planRead(offset, maxOffset, maxBytes: maxBytes)
            }
            guard let plan = planned else { return nil }
            let result: Result<FileRange?, ReadError>
            do throws(ReadError) {
                result = .success(try SegmentReader.range(plan, maxBytes: maxBytes))
            } catch {
                result = .failure(error)
            }
            let raced = state.withLock { $0.generation != plan.generation }
            if !raced || attempt == 3 { return try result.get() }
        }
        preconditionFailure("unreachable: the last attempt returns")
    }
}

extension FileDescriptor: OpenFile {
    var descriptor: Int32 { rawValue }
}
