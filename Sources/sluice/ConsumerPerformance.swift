import SluiceClient
import SluiceWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The loop behind `perf consume`, Kafka's `ConsumerPerformance` over `SluiceClient`: the partitions are dealt
/// round-robin to `threads` fetch loops, each with its own client (so its own connection), each fetching all of
/// its partitions in one request per leader and walking the records in place (`RecordBatchReader.forEachRecord`:
/// CRC-checked, nothing copied or allocated per record). Stops when the loops together have read `messages`
/// records (a loop counts the whole response it is in, as Kafka's tool counts its whole last poll) or when a
/// loop has gone `timeoutMs` without a record; then prints the CSV line.
struct ConsumerPerformance {
    struct Settings {
        let topic: String
        let messages: Int64
        let threads: Int
        let partitions: [Int32]?
        /// max.partition.fetch.bytes to start with; doubled (up to 64 MiB) for a batch larger than it.
        let fetchSizeBytes: Int32
        let timeoutMs: Int64
        let fromLatest: Bool
        let printHeader: Bool
    }

    static let header =
        "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, "
        + "fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec"
    /// Bound on the doubling of a partition's fetch size.
    static let fetchSizeBytesMax: Int32 = 64 << 20

    let bootstrapServers: String
    let settings: Settings

    /// What all loops read: records and key+value bytes.
    final class Totals: Sendable {
        let records = Atomic<Int64>(0)
        let bytes = Atomic<Int64>(0)
    }

    func run() async throws {
        if settings.printHeader { try StandardOutput.print(Self.header) }
        let startMs = WallClock.nowMs()
        let assignments = try await assign()
        let assignedMs = WallClock.nowMs()
        let totals = Totals()
        let (settings, bootstrapServers) = (settings, bootstrapServers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (thread, positions) in assignments.enumerated() where !positions.isEmpty {
                group.addTask {
                    try await CommandRunner.withClient(
                        bootstrapServers: bootstrapServers, clientId: "perf-consumer-client-\(thread)"
                    ) { client in
                        var loop = FetchLoop(client: client, settings: settings, positions: positions, totals: totals)
                        try await loop.run()
                    }
                }
            }
            try await group.waitForAll()
        }
        let endMs = WallClock.nowMs()
        let records = totals.records.load(ordering: .relaxed)
        if records < settings.messages {
            try StandardOutput.print(
                "WARNING: Exiting before consuming the expected number of messages: timeout (\(settings.timeoutMs) ms) "
                    + "exceeded. You can use the --timeout option to increase the timeout.")
        }
        try StandardOutput.print(
            Self.line(
                startMs: startMs, endMs: endMs, rebalanceMs: assignedMs - startMs, records: records,
                bytes: totals.bytes.load(ordering: .relaxed)))
    }

    /// Kafka's final line (`%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f`).
    static func line(startMs: Int64, endMs: Int64, rebalanceMs: Int64, records: Int64, bytes: Int64) -> String {
        let elapsedSeconds = Double(endMs - startMs) / 1000
        let fetchMs = endMs - startMs - rebalanceMs
        let megabytes = Double(bytes) / (1024 * 1024)
        let fetchSeconds = Double(fetchMs) / 1000
        func decimal(_ value: Double) -> String { FixedPointFormat.format(value, decimals: 4) }
        return [
            dateText(startMs), dateText(endMs), decimal(megabytes), decimal(megabytes / elapsedSeconds), "\(records)",
            decimal(Double(records) / elapsedSeconds), "\(rebalanceMs)", "\(fetchMs)", decimal(megabytes / fetchSeconds),
            decimal(Double(records) / fetchSeconds),
        ].joined(separator: ", ")
    }

    /// Kafka's default `--date-format`, `yyyy-MM-dd HH:mm:ss:SSS`, in local time.
    static func dateText(_ ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2)) "
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2)):"
            + padded(Int32(ms % 1000), 3)
    }

    /// The partitions and their start offsets, dealt round-robin to the threads.
    private func assign() async throws -> [[FetchPartition]] {
        var assignments = Array(repeating: [FetchPartition](), count: settings.threads)
        try await CommandRunner.withClient(bootstrapServers: bootstrapServers, clientId: "perf-consumer-client") {
            client in
            let all = try await client.partitions(of: settings.topic).map(\.partition)
            let chosen = settings.partitions ?? all
            for partition in chosen where !all.contains(partition) {
                throw SluiceError(
                    .unknownTopicOrPartition,
                    "partition \(settings.topic)-\(partition) does not exist (the topic has \(all.count) partitions)")
            }
            for (index, partition) in chosen.enumerated() {
                let timestamp = settings.fromLatest ? ListOffsetsPartition.latestTimestamp : ListOffsetsPartition.earliestTimestamp
                let result = try await client.listOffsets(topic: settings.topic, partition: partition, timestamp: timestamp)
                guard result.errorCode == .none, result.offset >= 0 else {
                    throw SluiceError(
                        result.errorCode == .none ? .unknownServerError : result.errorCode,
                        "cannot look up the start offset of \(settings.topic)-\(partition)")
                }
                assignments[index % settings.threads].append(
                    FetchPartition(partition: partition, fetchOffset: result.offset, partitionMaxBytes: settings.fetchSizeBytes))
            }
        }
        return assignments
    }
}

/// One thread of `perf consume`: fetch, count, advance, until the shared total is reached or `timeoutMs` passes
/// without a record.
private struct FetchLoop {
    let client: SluiceClient
    let settings: ConsumerPerformance.Settings
    var positions: [FetchPartition]
    let totals: ConsumerPerformance.Totals

    mutating func run() async throws {
        var lastRecordAt = ContinuousClock.now
        while totals.records.load(ordering: .relaxed) < settings.messages {
            let responses = try await client.fetch(topic: settings.topic, partitions: positions, maxWaitMs: 100)
            var records: Int64 = 0
            var bytes: Int64 = 0
            for (index, response) in responses.enumerated() {
                try count(response, position: &positions[index], records: &records, bytes: &bytes)
            }
            if records > 0 {
                totals.bytes.add(bytes, ordering: .relaxed)
                totals.records.add(records, ordering: .relaxed)
                lastRecordAt = .now
            } else if ContinuousClock.now - lastRecordAt >= .milliseconds(settings.timeoutMs) {
                return
            }
        }
    }

    /// Counts the records at or after the position and moves it past the last whole batch.
    private func count(
        _ response: FetchPartitionResponse, position: inout FetchPartition, records: inout Int64, bytes: inout Int64
    ) throws {
        precondition(response.partition == position.partition, "fetch results follow the request's order")
        switch response.errorCode {
        case .none:
            break
        case let code where code.isRetriable || code == .networkException:
            return  // leader moved or connection lost: the client refreshed its metadata; fetch again
        case let code:
            throw SluiceError(code, "fetching \(settings.topic)-\(position.partition) at offset \(position.fetchOffset)")
        }
        let from = position.fetchOffset
        var seen: Int64 = 0
        var seenBytes: Int64 = 0
        let next = try response.records.withUnsafeReadableBytes { (batches) throws(SluiceError) in
            try RecordBatchReader.forEachRecord(in: batches) { record in
                guard record.offset >= from else { return }
                seen += 1
                seenBytes += Int64((record.key?.count ?? 0) + (record.value?.count ?? 0))
            }
        }
        records += seen
        bytes += seenBytes
        if let next {
            position.fetchOffset = next
        } else if response.records.readableBytes > 0 {
            // Not one whole batch: the next batch is larger than the fetch size.
            position.partitionMaxBytes = min(ConsumerPerformance.fetchSizeBytesMax, position.partitionMaxBytes * 2)
        }
    }
}
