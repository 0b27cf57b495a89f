import SluiceClient
import SluiceWire

/// The loop behind `sluice consume`: one Fetch per leader for all assigned partitions, records
/// decoded and printed through a large output buffer, positions advanced past each whole batch.
///
/// Stops after `maxMessages`, after `timeoutMs` without a record, or on SIGINT (checked between
/// fetches, which wait at most 500 ms). Retriable partition errors (leader moved) are retried after
/// a short back-off; OFFSET_OUT_OF_RANGE resets to earliest or latest, as `auto.offset.reset` does.
struct ConsoleConsumer {
    struct Settings {
        let topic: String
        let partition: Int32?
        let start: StartOffset
        /// auto.offset.reset: earliest (true) or latest.
        let resetToEarliest: Bool
        let maxMessages: Int?
        let timeoutMs: Int64?
        let format: RecordFormat
    }

    /// `max.partition.fetch.bytes` to start with; doubled for a batch that does not fit.
    static let partitionFetchBytes: Int32 = 1 << 20
    /// Bound on that doubling.
    static let partitionFetchBytesMax: Int32 = 64 << 20
    /// Back-off after an empty answer that came back before `maxWaitMs`.
    static let emptyBackoff = Duration.milliseconds(100)

    let client: SluiceClient
    let settings: Settings
    let interrupt: InterruptFlag
    private(set) var processedCount = 0
    private var positions: [(partition: Int32, offset: Int64, maxBytes: Int32)] = []
    private var output = OutputBuffer()

    init(client: SluiceClient, settings: Settings, interrupt: InterruptFlag) {
        self.client = client
        self.settings = settings
        self.interrupt = interrupt
    }

    /// Consumes until a stop condition; returns the number of records printed.
    mutating func run() async throws -> Int {
        try await assignPartitions()
        let maxWaitMs = Int32(min(500, settings.timeoutMs ?? 500))
        var lastRecordAt = ContinuousClock.now
        while !interrupt.isRaised && !isDone {
            let fetchStartedAt = ContinuousClock.now
            let responses = try await client.fetch(
                topic: settings.topic,
                partitions: positions.map {
                    FetchPartition(partition: $0.partition, fetchOffset: $0.offset, partitionMaxBytes: $0.maxBytes)
                },
                maxWaitMs: maxWaitMs)
            var printed = 0
            for response in responses where !isDone {
                printed += try await handle(response)
            }
            try output.flush()
            if printed > 0 {
                lastRecordAt = ContinuousClock.now
                continue
            }
            if let timeoutMs = settings.timeoutMs, ContinuousClock.now - lastRecordAt >= .milliseconds(timeoutMs) {
                break
            }
            let elapsed = ContinuousClock.now - fetchStartedAt
            if elapsed < .milliseconds(maxWaitMs) {
                try await Task.sleep(for: min(Self.emptyBackoff, .milliseconds(maxWaitMs) - elapsed))
            }
        }
        try output.flush()
        return processedCount
    }

    private var isDone: Bool {
        guard let maxMessages = settings.maxMessages else { return false }
        return processedCount >= maxMessages
    }

    /// Picks the partitions and their start offsets.
    private mutating func assignPartitions() async throws {
        let all = try await client.partitions(of: settings.topic).map(\.partition)
        var assigned = all
        if let partition = settings.partition {
            guard all.contains(partition) else {
                throw SluiceError(
                    .unknownTopicOrPartition,
                    "partition \(settings.topic)-\(partition) does not exist (the topic has \(all.count) partitions)")
            }
            assigned = [partition]
        }
        positions = []
        for partition in assigned {
            let offset = try await startOffset(settings.start, partition: partition)
            positions.append((partition, offset, Self.partitionFetchBytes))
        }
        assert(positions.count == assigned.count, "every assigned partition has a position")
    }

    /// Resolves earliest/latest with ListOffsets; a number is used as given.
    private func startOffset(_ start: StartOffset, partition: Int32) async throws -> Int64 {
        let timestamp: Int64
        switch start {
        case .exactly(let offset): return offset
        case .earliest: timestamp = ListOffsetsPartition.earliestTimestamp
        case .latest: timestamp = ListOffsetsPartition.latestTimestamp
        }
        let result = try await client.listOffsets(topic: settings.topic, partition: partition, timestamp: timestamp)
        guard result.errorCode == .none, result.offset >= 0 else {
            let code = result.errorCode == .none ? ErrorCode.unknownServerError : result.errorCode
            throw SluiceError(code, "cannot look up the start offset of \(settings.topic)-\(partition)")
        }
        return result.offset
    }

    /// Prints one partition's records and advances its position; returns how many it printed.
    private mutating func handle(_ response: FetchPartitionResponse) async throws -> Int {
        guard let index = positions.firstIndex(where: { $0.partition == response.partition }) else { return 0 }
        switch response.errorCode {
        case .none:
            return try printRecords(response, positionIndex: index)
        case .offsetOutOfRange:
            let reset: StartOffset = settings.resetToEarliest ? .earliest : .latest
            positions[index].offset = try await startOffset(reset, partition: response.partition)
            return 0
        case let code where code.isRetriable:
            return 0  // leader moved or broker busy: the client refreshed metadata; fetch again after the back-off
        case let code:
            throw SluiceError(
                code, "fetching \(settings.topic)-\(response.partition) at offset \(positions[index].offset)")
        }
    }

    /// Decodes the batches, prints records at or after the position, and moves the position on.
    private mutating func printRecords(_ response: FetchPartitionResponse, positionIndex index: Int) throws -> Int {
        let position = positions[index].offset
        let (records, nextOffset) = try response.records.withUnsafeReadableBytes { bytes in
            try RecordBatchReader.records(in: bytes)
        }
        var printed = 0
        // A batch may start before the fetch offset; its earlier records were already printed.
        for record in records where record.offset >= position && !isDone {
            settings.format.write(record, partition: response.partition, to: &output)
            processedCount += 1
            printed += 1
            try output.flushIfFull()
        }
        if let nextOffset {
            positions[index].offset = max(position, nextOffset)
        } else if response.records.readableBytes > 0 {
            try growFetchSize(positionIndex: index)
        }
        return printed
    }

    /// The first batch did not fit in `partitionMaxBytes`: ask for twice as much next time.
    private mutating func growFetchSize(positionIndex index: Int) throws {
        let current = positions[index].maxBytes
        guard current < Self.partitionFetchBytesMax else {
            let (partition, offset) = (positions[index].partition, positions[index].offset)
            throw SluiceError(
                .recordListTooLarge,
                "a batch at \(settings.topic)-\(partition) offset \(offset) is larger than "
                    + "\(Self.partitionFetchBytesMax) bytes")
        }
        positions[index].maxBytes = min(current * 2, Self.partitionFetchBytesMax)
    }
}
