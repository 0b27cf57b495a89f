#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unbuffered writes to stderr, one line per call (no Foundation, no global mutable state).
enum StandardError {
    /// Writes `line` and a newline to file descriptor 2.
    static func print(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        try? FileDescriptorWriter.writeAll(bytes, to: STDERR_FILENO)
    }
}
