import NIOCore
import SluiceWire

/// Executes a `ReadPlan` outside the log's lock: a header scan from the sparse index's position to the
/// batch holding the offset, then either one pread of the answer into a fresh buffer and a trim to whole
/// batches (`read`), or a walk of batch headers to where the answer ends, leaving the bytes in the file
/// (`range`, for sendfile).
enum SegmentReader {
    /// Bytes of read-ahead for the header scan: covers `log.index.interval.bytes` of small batches in one pread.
    static let scanWindowBytes = 16 * 1024

    static func read(_ plan: ReadPlan, maxBytes: Int, allocator: ByteBufferAllocator) throws(ReadError) -> ByteBuffer {
        let window = FileWindow(file: plan.file, fileEnd: plan.endPosition, capacityBytes: scanWindowBytes)
        let (header, position) = try locate(plan, window)
        guard header.lastOffset < plan.limitOffset else { return allocator.buffer(capacity: 0) }
        // The first batch whole even beyond maxBytes; never past the committed size.
        let length = min(plan.endPosition - position, max(maxBytes, header.totalSize))
        assert(length >= header.totalSize, "the located batch lies below the committed size")
        var buffer = allocator.buffer(capacity: length)
        var failure: StorageError?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { target in
            do throws(StorageError) {
                return try plan.file.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: target[0..<length]), at: Int64(position))
            } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw .storage(failure) }
        let keep = buffer.withUnsafeReadableBytes { bytes in
            wholeBatchPrefix(bytes, limitOffset: plan.limitOffset, maxBytes: maxBytes)
        }
        guard keep > 0 else {
            throw .corruptSegment(
                path: plan.file.path, position: position, detail: "batch shorter than its header says")
        }
        buffer.moveWriterIndex(to: buffer.readerIndex + keep)
        return buffer
    }

    /// The answer `read` would give, as a range of the segment file: the same whole batches under the same
    /// limits, found by reading batch headers only — through the index's `jumpPosition`, then header by header
    /// up to the limits. nil when the answer is empty.
    static func range(_ plan: ReadPlan, maxBytes: Int) throws(ReadError) -> FileRange? {
        let window = FileWindow(file: plan.file, fileEnd: plan.endPosition, capacityBytes: scanWindowBytes)
        let (header, start) = try locate(plan, window)
        guard header.lastOffset < plan.limitOffset else { return nil }
        // The first batch whole even beyond maxBytes; the others within it, never past the committed size.
        var end = start + header.totalSize
        guard end <= plan.endPosition else {
            throw .corruptSegment(path: plan.file.path, position: start, detail: "batch passes the segment's end")
        }
        let byteLimit = min(plan.endPosition, start + maxBytes)
        if plan.jumpPosition > end && plan.jumpPosition <= byteLimit { end = plan.jumpPosition }
        do throws(StorageError) {
            _ = try BatchWalk.walk(window, from: end, expectedBaseOffset: nil, validate: false) { header, position in
                let batchEnd = position + header.totalSize
                guard batchEnd <= byteLimit, header.lastOffset < plan.limitOffset else { return false }
                end = batchEnd
                return true
            }
        } catch {
            throw .storage(error)
        }
        return FileRange(file: plan.file, position: Int64(start), count: end - start)
    }

    /// The batch holding `plan.offset` (the first whose last offset reaches it), and its file position.
    private static func locate(_ plan: ReadPlan, _ window: FileWindow) throws(ReadError) -> (RecordBatchHeader, Int) {
        var found: (RecordBatchHeader, Int)?
        let end: BatchWalkEnd
        do throws(StorageError) {
            end = try BatchWalk.walk(window, from: plan.scanPosition, expectedBaseOffset: nil, validate: false) {
                header, position in
                guard header.lastOffset >= plan.offset else { return true }
                found = (header, position)
                return false
            }
        } catch {
            throw .storage(error)
        }
        guard let found, found.0.baseOffset <= plan.offset else {
            throw .corruptSegment(
                path: plan.file.path, position: end.position,
                detail: end.problem ?? "no batch holds offset \(plan.offset)")
        }
        return found
    }

    /// Length of the longest prefix of whole batches that end before `limitOffset` and, after the first,
    /// fit `maxBytes`.
    static func wholeBatchPrefix(_ bytes: UnsafeRawBufferPointer, limitOffset: Int64, maxBytes: Int) -> Int {
        var position = 0
        // Bound: each pass consumes one whole batch of a finite buffer.
        while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) {
            guard header.batchLength >= RecordBatchHeader.minimumBatchLength else { break }
            let end = position + header.totalSize
            guard end <= bytes.count, header.lastOffset < limitOffset else { break }
            guard position == 0 || end <= maxBytes else { break }
            position = end
        }
        return position
    }
}
