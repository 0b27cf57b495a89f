import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file a response may send bytes of straight from the page cache (`sendfile`). A conformer owns
/// its descriptor and keeps it open for as long as it lives: an unlinked file stays readable through it.
public protocol OpenFile: AnyObject, Sendable {
    /// The open descriptor; valid while the object lives.
    var descriptor: Int32 { get }
    /// The path it was opened as, for errors.
    var path: String { get }
}

/// `count` bytes of a file from `position`: stored record batches that a Fetch response sends without
/// copying them through memory (`FramePartWriter` hands them to the socket as a `FileRegion`).
///
/// Holding a range keeps its file open (`file` is retained), so retention may delete the segment while
/// the bytes are in flight. A file cut shorter in place (follower truncation) is refused at write time.
public struct FileRange: Sendable {
    public let file: any OpenFile
    public let position: Int64
    public let count: Int

    public init(file: any OpenFile, position: Int64, count: Int) {
        precondition(position >= 0 && count > 0, "a file range is non-empty and starts at a position")
        self.file = file
        self.position = position
        self.count = count
    }

    /// The bytes, read with pread (for encoders that must copy them, and tests). Throws `FileRangeError`
    /// when the file is shorter than the range or the read fails.
    public func readBytes(allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(FileRangeError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        var failure: FileRangeError?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            var done = 0
            while done < count {
                let result = pread(file.descriptor, target.baseAddress! + done, count - done, off_t(position) + off_t(done))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    failure = result == 0
                        ? .truncated(path: file.path, expectedEnd: position + Int64(count), size: position + Int64(done))
                        : .readFailed(path: file.path, errorNumber: errno)
                    return 0
                }
                done += result
            }
            return done
        }
        if let failure { throw failure }
        return buffer
    }
}

/// Why a `FileRange`'s bytes could not be read or sent.
public enum FileRangeError: Error, Sendable, CustomStringConvertible {
    /// The file is now shorter than the range (cut after the range was taken).
    case truncated(path: String, expectedEnd: Int64, size: Int64)
    case readFailed(path: String, errorNumber: Int32)
    /// dup(2) or fstat(2) of the descriptor failed (errno).
    case descriptorFailed(path: String, operation: String, errorNumber: Int32)

    public var description: String {
        switch self {
        case .truncated(let path, let end, let size): "\(path) was truncated to \(size) bytes under a send up to \(end)"
        case .readFailed(let path, let errorNumber): "pread of \(path) failed: errno \(errorNumber)"
        case .descriptorFailed(let path, let operation, let errorNumber):
            "\(operation) of \(path) failed: errno \(errorNumber)"
        }
    }
}

/// A piece of an outbound frame: bytes in memory, or a range of a file sent with sendfile.
public enum FramePart: Sendable {
    case bytes(ByteBuffer)
    case file(FileRange)

    /// How many bytes the piece puts on the wire.
    public var byteCount: Int {
        switch self {
        case .bytes(let buffer): buffer.readableBytes
        case .file(let range): range.count
        }
    }
}
