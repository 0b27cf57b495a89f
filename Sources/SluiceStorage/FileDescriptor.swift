import Glibc

/// An open file (or directory) descriptor: the one owner of the fd, closed in `deinit`.
///
/// Every method is one positioned system call (or a loop of them) and safe from any thread, so a
/// reader may keep a segment's descriptor while the log rolls, truncates or deletes it: an unlinked
/// file stays readable until its last descriptor closes.
final class FileDescriptor: Sendable {
    let rawValue: Int32
    let path: String

    private init(rawValue: Int32, path: String) {
        precondition(rawValue >= 0, "descriptor for \(path) must be open")
        self.rawValue = rawValue
        self.path = path
    }

    deinit {
        // close(2) errors on a descriptor we no longer write through carry no information: data went through fsync.
        _ = Glibc.close(rawValue)
    }

    /// Opens `path` with `flags` (O_CLOEXEC is added).
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(StorageError) -> FileDescriptor {
        let raw = retryingInterrupts { Glibc.open(path, flags | O_CLOEXEC, mode) }
        guard raw >= 0 else { throw StorageError.fromErrno("open", path) }
        return FileDescriptor(rawValue: raw, path: path)
    }

    /// Opens a directory for fsync (making creates, renames and unlinks in it durable).
    static func openDirectory(_ path: String) throws(StorageError) -> FileDescriptor {
        try open(path, flags: O_RDONLY | O_DIRECTORY)
    }

    /// Writes all of `bytes` at `position`; a short pwrite continues where it stopped.
    /// On failure some prefix may be in the file: the caller cuts it back.
    func write(_ bytes: UnsafeRawBufferPointer, at position: Int64) throws(StorageError) {
        precondition(position >= 0, "pwrite position must not be negative")
        var written = 0
        while written < bytes.count {
            let remaining = UnsafeRawBufferPointer(rebasing: bytes[written...])
            let result = retryingInterrupts {
                pwrite(rawValue, remaining.baseAddress, remaining.count, off_t(position) + off_t(written))
            }
            guard result > 0 else {
                throw result == 0
                    ? StorageError(operation: "pwrite", path: path, errorNumber: EIO, detail: "wrote 0 bytes")
                    : StorageError.fromErrno("pwrite", path)
            }
            written += result
        }
        assert(written == bytes.count)
    }

    /// Reads up to `buffer.count` bytes at `position`, stopping early only at end of file. Returns the count.
    func read(into buffer: UnsafeMutableRawBufferPointer, at position: Int64) throws(StorageError) -> Int {
        precondition(position >= 0, "pread position must not be negative")
        var done = 0
        while done < buffer.count {
            let remaining = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            let result = retryingInterrupts {
                pread(rawValue, remaining.baseAddress, remaining.count, off_t(position) + off_t(done))
            }
            guard result >= 0 else { throw StorageError.fromErrno("pread", path) }
            guard result > 0 else { break }
            done += result
        }
        assert(done <= buffer.count)
        return done
    }

    /// fsync(2): data and metadata (the size) on stable storage.
    func sync() throws(StorageError) {
        guard retryingInterrupts({ fsync(rawValue) }) == 0 else { throw StorageError.fromErrno("fsync", path) }
    }

    /// ftruncate(2) to `sizeBytes`.
    func truncate(toBytes sizeBytes: Int64) throws(StorageError) {
        precondition(sizeBytes >= 0, "cannot truncate to a negative size")
        guard retryingInterrupts({ ftruncate(rawValue, off_t(sizeBytes)) }) == 0 else {
            throw StorageError.fromErrno("ftruncate", path)
        }
    }

    /// The file's size and modification time (fstat).
    func status() throws(StorageError) -> (sizeBytes: Int64, modifiedMs: Int64) {
        var info = stat()
        guard fstat(rawValue, &info) == 0 else { throw StorageError.fromErrno("fstat", path) }
        let modifiedMs = Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
        return (Int64(info.st_size), modifiedMs)
    }

    /// Reads a whole small file; nil when it does not exist.
    static func readWholeFile(_ path: String, limitBytes: Int) throws(StorageError) -> [UInt8]? {
        let file: FileDescriptor
        do {
            file = try open(path, flags: O_RDONLY)
        } catch {
            if error.errorNumber == ENOENT { return nil }
            throw error
        }
        let size = Int(try file.status().sizeBytes)
        guard size <= limitBytes else {
            throw StorageError(
                operation: "read", path: path, errorNumber: 0, detail: "\(size) bytes, limit \(limitBytes)")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 1)
        defer { buffer.deallocate() }
        let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]), at: 0)
        return Array(buffer[0..<count])
    }
}

/// Repeats a system call while it fails with EINTR.
@inline(__always)
func retryingInterrupts<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result != -1 || errno != EINTR { return result }
    }
}
