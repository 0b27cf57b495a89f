#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes whole buffers to a file descriptor, retrying short writes and EINTR.
enum FileDescriptorWriter {
    /// An errno from write(2), e.g. EPIPE when stdout's reader went away.
    struct WriteError: Error, CustomStringConvertible {
        let errnoCode: Int32
        var description: String { "write failed: \(String(cString: strerror(errnoCode)))" }
    }

    /// Writes every byte of `bytes` to `descriptor`.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws(WriteError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                guard errno == EINTR else { throw WriteError(errnoCode: errno) }
                continue
            }
            offset += written
        }
        assert(offset == bytes.count, "wrote past the end of the buffer")
    }

    /// Writes every byte of `bytes` to `descriptor`.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { pointer in try writeAll(pointer, to: descriptor) }
    }
}
