#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered stdout: output is gathered into one array and written in large writes, so printing
/// 100 000 records costs a handful of syscalls.
///
/// Bound: `flushThresholdBytes`; the buffer is written out when it passes it, and on `flush()`.
struct OutputBuffer {
    /// Bytes gathered before a write(2).
    let flushThresholdBytes: Int
    private var bytes: [UInt8] = []

    init(flushThresholdBytes: Int = 256 * 1024) {
        precondition(flushThresholdBytes > 0, "the flush threshold must be positive")
        self.flushThresholdBytes = flushThresholdBytes
        bytes.reserveCapacity(flushThresholdBytes + 4096)
    }

    /// Appends raw bytes.
    mutating func append(_ data: some Collection<UInt8>) {
        bytes.append(contentsOf: data)
    }

    /// Appends one byte.
    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends a string's UTF-8.
    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes the buffer out if it passed the threshold.
    mutating func flushIfFull() throws {
        if bytes.count >= flushThresholdBytes { try flush() }
    }

    /// Writes everything gathered to stdout.
    mutating func flush() throws {
        guard !bytes.isEmpty else { return }
        try FileDescriptorWriter.writeAll(bytes, to: STDOUT_FILENO)
        bytes.removeAll(keepingCapacity: true)
    }
}
