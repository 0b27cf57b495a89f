import SluiceClient
import SluiceWire

/// The loop behind `sluice consume`: one Fetch per leader for all assigned partitions, records
/// decoded and printed through a large output buffer, positions advanced past each whole batch.
///
/// Stops after `maxMessages`, after `timeoutMs` without a record, or on SIGINT/SIGTERM (checked between
/// fetches, which wait at most 500 ms). Retriable partition errors (leader moved) are retried after
/// a short back-off, a lost broker with a longer one (see `run`); OFFSET_OUT_OF_RANGE resets to earliest or
/// latest, as `auto.offset.reset` does, and says so on stderr; a deleted topic ends the run with an error.
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
    /// Set after a fetch whose partitions failed with a connection error, for the one immediate retry.
    private var isRetryingLostFetch = false

    init(client: SluiceClient, settings: Settings, interrupt: InterruptFlag) {
        self.client = client
        self.settings = settings
        self.interrupt = interrupt
    }

    /// Consumes until a stop condition; returns the number of records printed (also in `processedCount`, which
    /// stays valid when it throws).
    ///
    /// A lost broker (connection refused, closed, timed out) is retried with a back-off of 100 ms doubling to
    /// 1 s, saying once on stderr that the broker was lost and once that it is back; positions are kept. With
    /// `timeoutMs` it gives up (throws) once no record has arrived for that long while the broker is away.
    mutating func run() async throws -> Int {
        try await assignPartitions()
        let maxWaitMs = Int32(min(500, settings.timeoutMs ?? 500))
        var lastRecordAt = ContinuousClock.now
        var outage: BrokerOutage?
        while !interrupt.isRaised && !isDone {
            let fetchStartedAt = ContinuousClock.now
            let responses: [FetchPartitionResponse]
            do {
                responses = try await fetchUnlessInterrupted(maxWaitMs: maxWaitMs)
            } catch let error where Self.isBrokerLoss(error) {
                guard !interrupt.isRaised else { break }  // the interrupt closed the client under the fetch
                try await waitOut(error: "\(error)", outage: &outage, lastRecordAt: lastRecordAt)
                continue
            }
            guard !interrupt.isRaised else { break }
            if let lost = responses.first(where: { Self.isBrokerLoss($0.errorCode) }) {
                // A fetch's partition errors carry only a code: try again once at once, whose connect attempt
                // then says why (refused, timed out) — or succeeds, if that was a blip.
                if outage == nil && !isRetryingLostFetch {
                    isRetryingLostFetch = true
                    continue
                }
                let reason = "\(lost.errorCode.name) fetching \(settings.topic)-\(lost.partition)"
                try await waitOut(error: reason, outage: &outage, lastRecordAt: lastRecordAt)
                continue
            }
            isRetryingLostFetch = false
            if let lost = outage {
                StandardError.print(
                    "Reconnected to the broker after \(lost.elapsedText); consuming from the same offsets")
                outage = nil
            }
            var printed = 0
            do {
                for response in responses where !isDone {
                    printed += try await handle(response)
                }
            } catch let error where Self.isBrokerLoss(error) {
                // Lost during a follow-up request (ListOffsets for a reset, Metadata for a missing topic).
                try output.flush()
                try await waitOut(error: "\(error)", outage: &outage, lastRecordAt: lastRecordAt)
                continue
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

    /// One fetch of every position, cut short by SIGINT/SIGTERM: a fetch waits at most 500 ms for records, but
    /// a broker that stopped answering (paused, or its host gone) holds it for `request.timeout.ms` (30 s).
    /// A watcher polls the flag every 100 ms and, once it is raised, closes the client, which fails the fetch
    /// at once (the caller then sees the flag and ends the run).
    private func fetchUnlessInterrupted(maxWaitMs: Int32) async throws -> [FetchPartitionResponse] {
        let (client, topic, interrupt) = (client, settings.topic, interrupt)
        let partitions = positions.map {
            FetchPartition(partition: $0.partition, fetchOffset: $0.offset, partitionMaxBytes: $0.maxBytes)
        }
        return try await withThrowingTaskGroup(of: [FetchPartitionResponse]?.self) { group in
            group.addTask { try await client.fetch(topic: topic, partitions: partitions, maxWaitMs: maxWaitMs) }
            group.addTask {
                while !interrupt.isRaised { try await Task.sleep(for: .milliseconds(100)) }
                try? await client.close()
                return nil
            }
            // The first non-nil result is the fetch's; the watcher (sleeping) is cancelled when it arrives.
            while let result = try await group.next() {
                guard let responses = result else { continue }
                group.cancelAll()
                return responses
            }
            preconditionFailure("the fetch task returns or throws")
        }
    }

    /// The broker could not be reached: says so once, gives up when `--timeout-ms` has passed without a record,
    /// else sleeps the next back-off (in slices, so SIGINT/SIGTERM still end the run within 100 ms).
    private func waitOut(error reason: String, outage: inout BrokerOutage?, lastRecordAt: ContinuousClock.Instant)
        async throws
    {
        if outage == nil {
            let bound =
                settings.timeoutMs.map { "until \($0) ms pass without a record (--timeout-ms)" } ?? "until it is back"
            StandardError.print("Lost the connection to the broker (\(reason)); retrying every 1 s at most, \(bound)")
            outage = BrokerOutage()
        }
        if let timeoutMs = settings.timeoutMs, ContinuousClock.now - lastRecordAt >= .milliseconds(timeoutMs) {
            throw CommandFailure(
                "Error: no record for \(timeoutMs) ms (--timeout-ms) and the broker is still unreachable: \(reason)")
        }
        let deadline = ContinuousClock.now + outage!.nextBackoff()
        while !interrupt.isRaised, ContinuousClock.now < deadline {
            try await Task.sleep(for: min(.milliseconds(100), deadline - ContinuousClock.now))
        }
    }

    /// Whether a thrown error means the broker is unreachable (retried) rather than a refusal (fatal).
    static func isBrokerLoss(_ error: any Error) -> Bool {
        switch error {
        case is ConnectError: true
        case let sluice as SluiceError: isBrokerLoss(sluice.code)
        default: false
        }
    }

    /// Whether a partition's error code means its broker connection failed or timed out.
    static func isBrokerLoss(_ code: ErrorCode) -> Bool {
        code == .networkException || code == .requestTimedOut
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
            let outOfRange = positions[index].offset
            positions[index].offset = try await startOffset(reset, partition: response.partition)
            // Kafka's consumer logs "Resetting offset for partition T-P to position N" (and why) at INFO.
            StandardError.print(
                "Resetting offset for partition \(settings.topic)-\(response.partition) to position "
                    + "\(positions[index].offset): fetch position \(outOfRange) is out of range "
                    + "(auto.offset.reset=\(settings.resetToEarliest ? "earliest" : "latest"))")
            return 0
        case .unknownTopicOrPartition:
            try await checkTopicExists()
            return 0  // it exists: the leader is not serving it yet; fetch again after the back-off
        case let code where code.isRetriable:
            return 0  // leader moved or broker busy: the client refreshed metadata; fetch again after the back-off
        case let code:
            throw SluiceError(
                code, "fetching \(settings.topic)-\(response.partition) at offset \(positions[index].offset)")
        }
    }

    /// After UNKNOWN_TOPIC_OR_PARTITION: asks the metadata again and throws when the topic is gone (deleted
    /// while being consumed: nothing more can arrive, so the run ends with exit 1 rather than polling forever).
    private func checkTopicExists() async throws {
        do {
            _ = try await client.partitions(of: settings.topic)
        } catch let error as SluiceError where error.code == .unknownTopicOrPartition {
            throw CommandFailure("Error: topic \(settings.topic) was deleted (UNKNOWN_TOPIC_OR_PARTITION); stopping")
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
                "a batch at \(settings.topic)-\(partition) offset \(offset) is larger than the console consumer's "
                    + "limit of \(Self.partitionFetchBytesMax) bytes (its max.partition.fetch.bytes doubles up to it)")
        }
        positions[index].maxBytes = min(current * 2, Self.partitionFetchBytesMax)
    }
}

/// How long the broker has been away and the next reconnect back-off: 100 ms doubling to 1 s, Kafka's
/// `reconnect.backoff.ms` / `reconnect.backoff.max.ms` shape.
private struct BrokerOutage {
    static let firstBackoff = Duration.milliseconds(100)
    static let maxBackoff = Duration.seconds(1)

    let since = ContinuousClock.now
    private var backoff = firstBackoff

    /// The back-off to wait now; doubles the next one, up to `maxBackoff`.
    mutating func nextBackoff() -> Duration {
        defer { backoff = min(backoff * 2, Self.maxBackoff) }
        return backoff
    }

    /// `2.3 s`, the time since the broker was lost.
    var elapsedText: String {
        let tenths =
            (ContinuousClock.now - since).components.seconds * 10
            + (ContinuousClock.now - since).components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
