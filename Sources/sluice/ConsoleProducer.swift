import SluiceProducer
import SluiceWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The loop behind `sluice produce`: stdin lines → `Producer.send(contentsOf:completion:)`, one call per
/// chunk read (the library batches, lingers, pipelines and retries) → at end of input `flush()` and `close()`.
///
/// Lines are lent to the producer straight from stdin's buffer (`BorrowedBytes`): the chunk's `send` returns
/// once its lines are copied into batches, and the buffer is refilled only after every line in it was sent.
/// While stdin is idle the producer's sender keeps running, so records leave within linger.ms; the first
/// failed record wakes the read, so an interactive user sees the error right away.
///
/// Failures: the first one stops the input and becomes `Error producing to T-P: CODE_NAME: message` (`T-P`
/// when `--partition` fixes it, else the topic: a failed record's partition is not reported back) and
/// exit 1. A line without the key separator stops the input too; the lines before it are delivered first.
struct ConsoleProducer {
    typealias LineProducer = Producer<BorrowedBytes, BorrowedBytes>
    typealias BorrowedRecord = ProducerRecord<BorrowedBytes, BorrowedBytes>

    /// A line that has no key separator.
    struct BadLine {
        let number: Int
        let text: String
    }

    let producer: LineProducer
    let topic: String
    let partition: Int32?
    /// `--header`s, the same array on every record (no allocation per line).
    let headers: [RecordHeader]
    let keySeparator: [UInt8]?
    /// `--report-acks`: every record is reported on stdout, and a failed record does not stop the input.
    var reporter: AckReporter? = nil

    /// Produces every stdin line, then waits for all acknowledgements. Throws `CommandFailure` on the first
    /// failed record or the first line without the key separator; closes the producer on every path.
    func run() async throws {
        let wake = try WakePipe()
        let failure = FirstSendFailure(wake: wake)
        // One closure for every record: a send stores a reference to it, not a new context per record.
        let reporting = reporter != nil
        let completion: @Sendable (Result<RecordMetadata, ProducerError>) -> Void = { [failure] result in
            if !reporting, case .failure(let error) = result { failure.record(error) }
        }
        let badLine: BadLine?
        do {
            badLine = try await sendLines(
                from: StandardInputReader(), wake: wake, failure: failure, completion: completion)
        } catch {
            await producer.close(timeout: .zero)
            throw error
        }
        if failure.isSet {
            // The run failed: what is still buffered fails with PRODUCER_CLOSED instead of being waited for.
            await producer.close(timeout: .zero)
        } else {
            await producer.flush()
            await producer.close()
        }
        if let error = failure.error {
            let target = partition.map { "\(topic)-\($0)" } ?? topic
            throw CommandFailure("Error producing to \(target): \(error)")
        }
        if let badLine {
            throw CommandFailure("Error: No key separator found on line number \(badLine.number): '\(badLine.text)'")
        }
        if let reporter, reporter.failed > 0 {
            throw CommandFailure("Error producing to \(topic): \(reporter.failed) record(s) failed (see the "
                + "producer_send_error lines); \(reporter.acknowledged) acknowledged")
        }
    }

    /// Sends lines until end of input, the first failure, or a line without the key separator (returned).
    private func sendLines(
        from input: StandardInputReader, wake: WakePipe, failure: FirstSendFailure,
        completion: @escaping @Sendable (Result<RecordMetadata, ProducerError>) -> Void
    ) async throws -> BadLine? {
        // The records of one chunk's lines, sent with one call; reused (its capacity kept) chunk after chunk.
        var run: [BorrowedRecord] = []
        // Bounded by the input: every pass consumes a chunk, or returns.
        while !failure.isSet {
            switch try await input.fill(wakingOn: wake) {
            case .woken:
                return nil
            case .endOfInput:
                guard let line = input.takeFinalLine() else { return nil }
                run.removeAll(keepingCapacity: true)
                switch record(for: line) {
                case .record(let record): run.append(record)
                case .badLine(let badLine): return badLine
                }
                await send(run, failure: failure, completion: completion)
                return nil
            case .filled:
                run.removeAll(keepingCapacity: true)
                var badLine: BadLine?
                while badLine == nil, let line = input.nextLine() {
                    switch record(for: line) {
                    case .record(let record): run.append(record)
                    case .badLine(let bad): badLine = bad
                    }
                }
                // The lines before a bad one are sent first, as Kafka's console producer does.
                if !run.isEmpty { await send(run, failure: failure, completion: completion) }
                if let badLine { return failure.isSet ? nil : badLine }
            }
        }
        return nil
    }

    /// A line as a record, or the line itself when it lacks the key separator.
    private enum LineRecord {
        case record(BorrowedRecord)
        case badLine(BadLine)
    }

    /// The record of one line (split into key and value at the separator, when one is set). Its bytes are
    /// the line's, valid until the reader's next `fill` (see BorrowedBytes).
    private func record(for line: StandardInputReader.Line) -> LineRecord {
        var key: UnsafeRawBufferPointer?
        var value = line.bytes
        if let keySeparator {
            guard let split = Self.split(line.bytes, at: keySeparator) else {
                return .badLine(BadLine(number: line.number, text: String(decoding: line.bytes, as: UTF8.self)))
            }
            (key, value) = split
        }
        return .record(
            ProducerRecord(
                topic: topic, partition: partition, key: key.map(BorrowedBytes.init), value: BorrowedBytes(value),
                headers: headers))
    }

    /// Sends one chunk's records with one call (`send(contentsOf:)`: leased batches, no accumulator lock per
    /// line); a failed send is recorded in `failure`. The lines' bytes stay valid until it returns: the reader
    /// refills only after.
    private func send(
        _ run: [BorrowedRecord], failure: FirstSendFailure,
        completion: @escaping @Sendable (Result<RecordMetadata, ProducerError>) -> Void
    ) async {
        if let reporter {
            await sendReporting(run, reporter: reporter)
            return
        }
        do {
            try await producer.send(contentsOf: run, completion: completion)
        } catch {
            failure.record(error)
        }
    }

    /// `--report-acks`: one send per record, each with a completion that reports its own key and value; a record
    /// refused at once (buffer exhausted, too large) is reported like one that failed later.
    private func sendReporting(_ run: [BorrowedRecord], reporter: AckReporter) async {
        for record in run {
            let key = record.key.map { String(decoding: $0.bytes, as: UTF8.self) }
            let value = record.value.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
            let completion = reporter.completion(key: key, value: value)
            do { try await producer.send(record, completion: completion) } catch { completion(.failure(error)) }
        }
    }

    /// Key before the first `separator`, value after it; nil when the line has none.
    static func split(_ line: UnsafeRawBufferPointer, at separator: [UInt8])
        -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)?
    {
        guard let keyLength = firstIndex(of: separator, in: line) else { return nil }
        let base = line.baseAddress!
        let valueStart = keyLength + separator.count
        return (
            UnsafeRawBufferPointer(start: base, count: keyLength),
            UnsafeRawBufferPointer(start: base + valueStart, count: line.count - valueStart)
        )
    }

    /// The byte index of the first occurrence of `needle` in `haystack` (memchr for the first byte,
    /// then memcmp; glibc's memmem needs _GNU_SOURCE, which Swift's Glibc module does not set).
    static func firstIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        precondition(!needle.isEmpty, "the key separator is not empty")
        guard haystack.count >= needle.count, let base = haystack.baseAddress else { return nil }
        let lastStart = haystack.count - needle.count
        var position = 0
        return needle.withUnsafeBytes { pattern -> Int? in
            while position <= lastStart {
                guard let hit = memchr(base + position, Int32(pattern[0]), lastStart - position + 1) else { return nil }
                let index = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + index, pattern.baseAddress!, pattern.count) == 0 { return index }
                position = index + 1
            }
            return nil
        }
    }
}
