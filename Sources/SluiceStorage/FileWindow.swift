import SluiceWire

/// A read-ahead window over a file: scans read batch headers (and, for recovery, whole batches)
/// through it with one pread per window instead of one per header.
///
/// Bound: `capacityBytes`, grown only to hold one batch larger than it, and never beyond `fileEnd`.
final class FileWindow {
    let file: FileDescriptor
    /// Bytes past this are not part of the scan (the segment's committed size).
    let fileEnd: Int
    private var storage: UnsafeMutableRawBufferPointer
    private var windowStart = 0
    private var windowCount = 0

    init(file: FileDescriptor, fileEnd: Int, capacityBytes: Int) {
        precondition(fileEnd >= 0, "file end must not be negative")
        precondition(capacityBytes >= RecordBatchHeader.size, "window must hold a batch header")
        self.file = file
        self.fileEnd = fileEnd
        self.storage = .allocate(byteCount: min(capacityBytes, max(fileEnd, RecordBatchHeader.size)), alignment: 8)
    }

    deinit { storage.deallocate() }

    /// Bytes `[position, position + count)` of the file, valid until the next call; nil when they pass `fileEnd`
    /// or the file turns out shorter (truncated under us).
    func bytes(at position: Int, count: Int) throws(StorageError) -> UnsafeRawBufferPointer? {
        precondition(position >= 0, "window position must not be negative")
        precondition(count >= 0, "window count must not be negative")
        guard count <= fileEnd - position else { return nil }
        let inWindow = position >= windowStart && position + count <= windowStart + windowCount
        if !inWindow {
            try refill(at: position, atLeast: count)
            guard count <= windowCount else { return nil }
        }
        let start = position - windowStart
        assert(start >= 0 && start + count <= windowCount)
        return UnsafeRawBufferPointer(rebasing: storage[start..<(start + count)])
    }

    private func refill(at position: Int, atLeast count: Int) throws(StorageError) {
        if count > storage.count {
            storage.deallocate()
            storage = .allocate(byteCount: count, alignment: 8)
        }
        let length = min(storage.count, fileEnd - position)
        windowStart = position
        windowCount = 0
        windowCount = try file.read(
            into: UnsafeMutableRawBufferPointer(rebasing: storage[0..<length]), at: Int64(position))
    }
}
