#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Line writes straight to stdout with write(2): nothing waits in a stdio buffer, so progress lines
/// appear at once even when stdout is a pipe, and they never interleave out of order with
/// `OutputBuffer`'s large writes.
enum StandardOutput {
    /// Writes `line` and a newline to file descriptor 1.
    static func print(_ line: String) throws {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        try FileDescriptorWriter.writeAll(bytes, to: STDOUT_FILENO)
    }
}
