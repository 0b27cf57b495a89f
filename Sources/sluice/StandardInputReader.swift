import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads stdin in large chunks with read(2) and hands out whole lines (without their `\n`) as byte
/// pointers into its buffer: no allocation or String per line, so a million lines take milliseconds.
///
/// A line stays valid until the next `fill`, across awaits: the buffer is manually allocated (not an
/// array's `withUnsafeBytes` scope), so the caller can `await` a send per line and refill afterwards.
///
/// Used by one task. During `fill` a private Dispatch queue writes into the buffer's free tail while that
/// task waits for it; nothing else touches the buffer.
///
/// Bound: the buffer starts at `chunkBytes` and doubles only for a line longer than it, up to
/// `lineBytesMax`; a longer line is an error naming its number.
final class StandardInputReader {
    /// Why input could not be read.
    enum ReadError: Error, CustomStringConvertible {
        case lineTooLong(lineNumber: Int, limit: Int)
        case system(String)

        var description: String {
            switch self {
            case .lineTooLong(let lineNumber, let limit):
                "line \(lineNumber) is longer than \(limit) bytes, the console producer's line limit"
            case .system(let message): "cannot read stdin: \(message)"
            }
        }
    }

    /// What a `fill` did.
    enum FillOutcome {
        /// New bytes arrived (perhaps no complete line yet).
        case filled
        /// End of input; `takeFinalLine` may hold an unterminated last line.
        case endOfInput
        /// The wake pipe became readable before input did; nothing was read.
        case woken
    }

    /// One complete line: bytes in the reader's buffer (valid until the next `fill`) and its 1-based number.
    struct Line {
        let bytes: UnsafeRawBufferPointer
        let number: Int
    }

    /// The free tail of the buffer, handed to the Dispatch queue for one read(2). `@unchecked Sendable`:
    /// only that queue writes to it, while the reader's task waits for the result.
    private struct ReadTarget: @unchecked Sendable {
        let bytes: UnsafeMutableRawBufferPointer
    }

    let lineBytesMax: Int
    /// Owned: allocated in init and on growth, freed in deinit and on growth.
    private var buffer: UnsafeMutableRawBufferPointer
    /// Unconsumed bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private(set) var isAtEnd = false
    /// Lines handed out so far (the next line's number is this + 1).
    private(set) var lineCount = 0
    /// Runs the blocking poll(2)/read(2), off the Swift concurrency pool (see `fill`).
    private let queue = DispatchQueue(label: "sluice.stdin")

    init(chunkBytes: Int = 1 << 20, lineBytesMax: Int = 64 << 20) {
        precondition(chunkBytes > 0, "stdin buffer of \(chunkBytes) bytes")
        precondition(lineBytesMax >= chunkBytes, "line limit \(lineBytesMax) below the chunk size \(chunkBytes)")
        self.lineBytesMax = lineBytesMax
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 1)
    }

    deinit {
        buffer.deallocate()
    }

    /// Waits until stdin is readable (or `wake` is), then reads one chunk. Lines handed out before this
    /// call become invalid.
    ///
    /// The blocking poll(2) and read(2) run on a private Dispatch queue while this task is suspended: the
    /// producer's sender runs on the Swift concurrency pool (one thread per CPU) and must keep sending
    /// batches when linger.ms passes while stdin is idle, which a pool thread blocked in poll(2) would
    /// prevent on a one-CPU machine.
    func fill(wakingOn wake: WakePipe?) async throws(ReadError) -> FillOutcome {
        guard !isAtEnd else { return .endOfInput }
        try makeRoom()
        assert(end < buffer.count, "makeRoom leaves free space")
        let target = ReadTarget(bytes: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        let wakeDescriptor = wake?.descriptor
        let result = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Self.waitAndRead(into: target, wakeDescriptor: wakeDescriptor))
            }
        }
        switch result {
        case .success(nil):
            return .woken
        case .success(0):
            isAtEnd = true
            return .endOfInput
        case .success(let count?):
            precondition(count > 0 && count <= buffer.count - end, "read(2) returned \(count) bytes")
            end += count
            return .filled
        case .failure(let error):
            throw error
        }
    }

    /// The next complete line, consumed; nil when the buffer holds no further `\n`.
    func nextLine() -> Line? {
        guard start < end, let base = buffer.baseAddress else { return nil }
        guard let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), end - start) else { return nil }
        let length = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(newline)) - start
        assert(length >= 0 && start + length < end, "the newline lies in the unconsumed bytes")
        let line = Line(bytes: UnsafeRawBufferPointer(start: base + start, count: length), number: lineCount + 1)
        start += length + 1
        lineCount += 1
        return line
    }

    /// At end of input, the last line if it had no `\n`; consumed.
    func takeFinalLine() -> Line? {
        guard isAtEnd, start < end, let base = buffer.baseAddress else { return nil }
        lineCount += 1
        let line = Line(bytes: UnsafeRawBufferPointer(start: base + start, count: end - start), number: lineCount)
        start = end
        return line
    }

    /// poll(2) on stdin and the wake pipe, then read(2) into `target`. Returns the byte count (0 at end of
    /// input), or nil when the wake pipe is readable first. Blocks; runs on `queue`.
    private static func waitAndRead(into target: ReadTarget, wakeDescriptor: Int32?) -> Result<Int?, ReadError> {
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
        if let wakeDescriptor { descriptors.append(pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)) }
        // Bounded: each pass ends on an event, or retries only after EINTR.
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready > 0 { break }
            guard ready < 0, errno == EINTR else { return .failure(.system(String(cString: strerror(errno)))) }
        }
        if descriptors.count > 1 && descriptors[1].revents != 0 { return .success(nil) }
        while true {
            let count = read(STDIN_FILENO, target.bytes.baseAddress!, target.bytes.count)
            if count >= 0 { return .success(count) }
            guard errno == EINTR else { return .failure(.system(String(cString: strerror(errno)))) }
        }
    }

    /// Moves the unconsumed tail to the front; when the buffer is still full (one line longer than it),
    /// doubles it up to `lineBytesMax`.
    private func makeRoom() throws(ReadError) {
        let pending = end - start
        if start > 0 {
            if pending > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending) }
            (start, end) = (0, pending)
        }
        guard end == buffer.count else { return }
        guard buffer.count < lineBytesMax else { throw .lineTooLong(lineNumber: lineCount + 1, limit: lineBytesMax) }
        let grown = UnsafeMutableRawBufferPointer.allocate(
            byteCount: min(buffer.count * 2, lineBytesMax), alignment: 1)
        grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
        buffer.deallocate()
        buffer = grown
        assert(end < buffer.count, "the grown buffer has free space")
    }
}
