import SluiceClient
import SluiceWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The loop behind `sluice produce`: stdin lines → per-partition batches → pipelined Produce
/// requests (up to 5 in flight) → wait for every answer at end of input.
///
/// Batches are sent when full, when `linger.ms` has passed since they opened, or at end of input.
/// While stdin is idle the producer waits for outstanding answers, so an interactive user sees an
/// error right after the line that caused it.
struct ConsoleProducer {
    struct Settings {
        let topic: String
        let partition: Int32?
        let acks: Int16
        let keySeparator: [UInt8]?
        let batchSizeBytes: Int
        let lingerMs: Int64
        let timeoutMs: Int32
    }

    let client: SluiceClient
    let settings: Settings
    private var accumulator: BatchAccumulator
    private var chooser: PartitionChooser
    private var window = InFlightWindow(limit: 5)
    /// The first line without the key separator; input stops there.
    private var badLine: (number: Int, text: String)?

    init(client: SluiceClient, settings: Settings) async throws {
        let partitionCount = Int32(try await client.partitions(of: settings.topic).count)
        guard partitionCount > 0 else {
            throw SluiceError(.unknownTopicOrPartition, "topic '\(settings.topic)' has no partitions")
        }
        if let partition = settings.partition, partition >= partitionCount {
            throw SluiceError(
                .unknownTopicOrPartition,
                "partition \(settings.topic)-\(partition) does not exist (the topic has \(partitionCount) partitions)")
        }
        self.client = client
        self.settings = settings
        self.accumulator = BatchAccumulator(partitionCount: partitionCount, batchSizeBytes: settings.batchSizeBytes)
        self.chooser = PartitionChooser(
            mode: settings.partition.map { .fixed($0) } ?? .automatic, partitionCount: partitionCount,
            firstStickyPartition: Int32.random(in: 0..<partitionCount))
    }

    /// Produces every stdin line, then waits for all answers. Throws `CommandFailure` on the first error.
    mutating func run() async throws {
        // A local, not a property: its line callbacks mutate `self`, which must not overlap an access to it.
        var input = StandardInputReader()
        while badLine == nil {
            let nowMs = WallClock.nowMs()
            if try input.waitReadable(timeoutMs: pollTimeoutMs(nowMs: nowMs)) {
                guard try input.fill() else { break }
                appendCompleteLines(from: &input, timestampMs: WallClock.nowMs())
            } else if accumulator.hasOpenBatches {
                sealAll()
            } else {
                // Idle input and nothing open: collect answers now, so errors surface promptly.
                try await window.drain { _, _ in }
            }
            if let openedAtMs = accumulator.oldestOpenedAtMs, WallClock.nowMs() - openedAtMs >= settings.lingerMs {
                sealAll()
            }
            try await sendSealed()
        }
        if badLine == nil {
            let timestampMs = WallClock.nowMs()
            input.takeFinalLine { line, number in _ = append(line: line, number: number, timestampMs: timestampMs) }
        }
        accumulator.sealAll()
        try await sendSealed()
        try await window.drain { _, _ in }
        if let badLine {
            throw CommandFailure("Error: No key separator found on line number \(badLine.number): '\(badLine.text)'")
        }
    }

    /// Seals every open batch (linger expired); unkeyed records move on to the next partition, as
    /// Kafka's sticky partitioner does when it starts a new batch.
    private mutating func sealAll() {
        accumulator.sealAll()
        chooser.batchSealed(partition: chooser.stickyPartition)
    }

    /// poll(2) timeout: the rest of the oldest open batch's linger; 0 to check for answers while
    /// requests are in flight; -1 (block) when there is nothing to do but wait for input.
    private func pollTimeoutMs(nowMs: Int64) -> Int32 {
        if let openedAtMs = accumulator.oldestOpenedAtMs {
            return Int32(clamping: max(0, settings.lingerMs - (nowMs - openedAtMs)))
        }
        return window.isEmpty ? -1 : 0
    }

    private mutating func appendCompleteLines(from input: inout StandardInputReader, timestampMs: Int64) {
        input.forEachLine { line, number in append(line: line, number: number, timestampMs: timestampMs) }
    }

    /// Appends one line as a record; false (and `badLine` set) when the key separator is missing.
    private mutating func append(line: UnsafeRawBufferPointer, number: Int, timestampMs: Int64) -> Bool {
        var key: UnsafeRawBufferPointer?
        var value = line
        if let separator = settings.keySeparator {
            guard let split = Self.split(line, at: separator) else {
                badLine = (number, String(decoding: line, as: UTF8.self))
                return false
            }
            (key, value) = split
        }
        let partition = chooser.partition(forKey: key)
        if accumulator.append(key: key, value: value, timestampMs: timestampMs, partition: partition) {
            chooser.batchSealed(partition: partition)
        }
        return true
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

    /// Starts a Produce request per sealed batch, in order, keeping at most 5 in flight.
    private mutating func sendSealed() async throws {
        for batch in accumulator.takeSealed() {
            let request: InFlightProduce
            do {
                request = try await client.startProduce(
                    topic: settings.topic, partition: batch.partition, batch: batch.records,
                    recordCount: batch.recordCount, acks: settings.acks, timeoutMs: settings.timeoutMs)
            } catch {
                throw InFlightWindow.failure(TopicPartition(topic: settings.topic, partition: batch.partition), error)
            }
            try await window.add(request) { _, _ in }
        }
    }
}
