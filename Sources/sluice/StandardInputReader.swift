#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads stdin in large chunks with read(2) and hands out whole lines (without their `\n`) as byte
/// pointers into its buffer: no allocation or String per line, so a million lines take milliseconds.
///
/// Bound: the buffer starts at `chunkBytes` and doubles only for a line longer than it, up to
/// `lineBytesMax`; a longer line is an error naming its number.
struct StandardInputReader {
    /// Why input could not be read.
    enum ReadError: Error, CustomStringConvertible {
        case lineTooLong(lineNumber: Int, limit: Int)
        case system(String)

        var description: String {
            switch self {
            case .lineTooLong(let lineNumber, let limit): "line \(lineNumber) is longer than \(limit) bytes"
            case .system(let message): "cannot read stdin: \(message)"
            }
        }
    }

    let lineBytesMax: Int
    private var buffer: [UInt8]
    /// Unconsumed bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private(set) var isAtEnd = false
    /// Lines handed out so far (the next line's number is this + 1).
    private(set) var lineCount = 0

    init(chunkBytes: Int = 1 << 20, lineBytesMax: Int = 64 << 20) {
        precondition(chunkBytes > 0 && lineBytesMax >= chunkBytes, "bad stdin buffer bounds")
        self.lineBytesMax = lineBytesMax
        self.buffer = Array(repeating: 0, count: chunkBytes)
    }

    /// Waits up to `timeoutMs` (-1: forever) for stdin to become readable; false on timeout.
    func waitReadable(timeoutMs: Int32) throws(ReadError) -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&descriptor, 1, timeoutMs)
            if ready >= 0 { return ready > 0 }
            guard errno == EINTR else { throw .system(String(cString: strerror(errno))) }
        }
    }

    /// Reads one chunk. Returns false at end of input (then `finalLine` may hold an unterminated line).
    mutating func fill() throws(ReadError) -> Bool {
        guard !isAtEnd else { return false }
        compact()
        if end == buffer.count {
            guard buffer.count < lineBytesMax else {
                throw .lineTooLong(lineNumber: lineCount + 1, limit: lineBytesMax)
            }
            buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, lineBytesMax - buffer.count)))
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { bytes in
                read(STDIN_FILENO, bytes.baseAddress! + end, bytes.count - end)
            }
            if count > 0 {
                end += count
                return true
            }
            if count == 0 {
                isAtEnd = true
                return false
            }
            guard errno == EINTR else { throw .system(String(cString: strerror(errno))) }
        }
    }

    /// Calls `body` with each complete line in the buffer and its 1-based number, then consumes them.
    /// `body` returns false to stop early (the stopping line is consumed).
    mutating func forEachLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Bool) rethrows {
        var position = start
        var lineNumber = lineCount
        let end = self.end
        defer {
            start = position
            lineCount = lineNumber
        }
        try buffer.withUnsafeBytes { bytes in
            let base = bytes.baseAddress!
            while position < end {
                guard let newline = memchr(base + position, Int32(UInt8(ascii: "\n")), end - position) else { return }
                let length = base.distance(to: UnsafeRawPointer(newline)) - position
                let line = UnsafeRawBufferPointer(start: base + position, count: length)
                position += length + 1
                lineNumber += 1
                guard try body(line, lineNumber) else { return }
            }
        }
    }

    /// At end of input, the last line if it had no `\n`; consumes it.
    mutating func takeFinalLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        guard isAtEnd, start < end else { return }
        lineCount += 1
        let number = lineCount
        let range = start..<end
        start = end
        try buffer.withUnsafeBytes { bytes in
            try body(UnsafeRawBufferPointer(rebasing: bytes[range]), number)
        }
    }

    /// Moves the unconsumed tail to the front of the buffer.
    private mutating func compact() {
        guard start > 0 else { return }
        let count = end - start
        if count > 0 {
            buffer.withUnsafeMutableBytes { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, count)
            }
        }
        start = 0
        end = count
    }
}
