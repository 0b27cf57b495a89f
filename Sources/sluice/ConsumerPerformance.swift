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
///
/// With a group (`--group`), the partitions are the ones the group's coordinator assigns this member (see
/// `ConsumerGroupMember`), starting at the group's committed offsets (else the earliest or latest); the member
/// heartbeats while it fetches, rejoins when the group rebalances, commits where it got to at the end of each
/// generation, and leaves at the end. rebalance.time.ms is then the time spent joining, as in Kafka's tool.
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
        /// The consumer group to join; nil reads the partitions directly.
        var group: String? = nil
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
        /// Set when the group rebalances: the fetch loops stop so the member can rejoin.
        let rejoin = Atomic<Bool>(false)
    }

    func run() async throws {
        if settings.printHeader { try StandardOutput.print(Self.header) }
        let startMs = WallClock.nowMs()
        let totals = Totals()
        let rebalanceMs: Int64
        if let group = settings.group {
            rebalanceMs = try await consume(inGroup: group, totals: totals)
        } else {
            let assignments = try await assign()
            rebalanceMs = WallClock.nowMs() - startMs
            _ = try await fetch(assignments, totals: totals)
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
                startMs: startMs, endMs: endMs, rebalanceMs: rebalanceMs, records: records,
                bytes: totals.bytes.load(ordering: .relaxed)))
    }

    /// Runs one fetch loop per non-empty share of `assignments`; returns every partition's final position.
    private func fetch(_ assignments: [[FetchPartition]], totals: Totals) async throws -> [FetchPartition] {
        let (settings, bootstrapServers) = (settings, bootstrapServers)
        return try await withThrowingTaskGroup(of: [FetchPartition].self) { group in
            for (thread, positions) in assignments.enumerated() where !positions.isEmpty {
                group.addTask {
                    var final: [FetchPartition] = []
                    try await CommandRunner.withClient(
                        bootstrapServers: bootstrapServers, clientId: "perf-consumer-client-\(thread)"
                    ) { client in
                        var loop = FetchLoop(client: client, settings: settings, positions: positions, totals: totals)
                        try await loop.run()
                        final = loop.positions
                    }
                    return final
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// The group's way: join, fetch the assigned partitions while heartbeating, commit, and rejoin after a
    /// rebalance, until the records are read or a loop times out; then leave. Returns the time spent joining.
    private func consume(inGroup group: String, totals: Totals) async throws -> Int64 {
        var joiningMs: Int64 = 0
        try await CommandRunner.withClient(bootstrapServers: bootstrapServers, clientId: "perf-consumer-client") {
            client in
            guard let broker = try await client.describeCluster().brokers.min(by: { $0.nodeId < $1.nodeId }) else {
                throw SluiceError(.networkException, "the cluster has no broker")
            }
            let member = ConsumerGroupMember(
                group: group, topic: settings.topic, coordinator: try await GroupAdmin.coordinator(of: group, asking: broker),
                sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000)
            var memberId = ""
            // Bound: each pass ends a generation; the loop ends when a generation ends without a rebalance.
            while true {
                let joinStartMs = WallClock.nowMs()
                let generation = try await member.join(memberId: memberId) { topic in
                    Int32(try await client.partitions(of: topic).count)
                }
                memberId = generation.memberId
                joiningMs += WallClock.nowMs() - joinStartMs
                let positions = try await startPositions(generation.partitions, member: member, client: client)
                totals.rejoin.store(false, ordering: .relaxed)
                var assignments = Array(repeating: [FetchPartition](), count: settings.threads)
                for (index, position) in positions.enumerated() { assignments[index % settings.threads].append(position) }
                let final = try await fetchWhileHeartbeating(assignments, member: member, generation: generation, totals: totals)
                if !final.isEmpty {
                    let offsets = Dictionary(uniqueKeysWithValues: final.map {
                        (TopicPartition(topic: settings.topic, partition: $0.partition), $0.fetchOffset)
                    })
                    do { try await member.commit(offsets, in: generation) } catch {
                        StandardError.print("WARNING: the commit of generation \(generation.generationId) failed: \(error)")
                    }
                }
                let done = totals.records.load(ordering: .relaxed) >= settings.messages
                if done || !totals.rejoin.load(ordering: .relaxed) {
                    try await member.leave(generation)
                    return
                }
            }
        }
        return joiningMs
    }

    /// `fetch`, with a heartbeat every third of the session timeout beside it; a heartbeat that says the group is
    /// rebalancing sets `totals.rejoin`, which stops the fetch loops.
    private func fetchWhileHeartbeating(
        _ assignments: [[FetchPartition]], member: ConsumerGroupMember, generation: ConsumerGroupMember.Generation,
        totals: Totals
    ) async throws -> [FetchPartition] {
        try await withThrowingTaskGroup(of: [FetchPartition]?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(member.heartbeatIntervalMs))
                    guard !Task.isCancelled else { break }
                    // A heartbeat lost to the network is retried at the next interval; the session allows three.
                    guard let error = try? await member.heartbeat(generation), error != .none else { continue }
                    totals.rejoin.store(true, ordering: .relaxed)
                    break
                }
                return nil
            }
            let final = try await fetch(assignments, totals: totals)
            group.cancelAll()
            return final
        }
    }

    /// Where each assigned partition starts: the group's committed offset, else the earliest (or latest) one.
    private func startPositions(
        _ partitions: [TopicPartition], member: ConsumerGroupMember, client: SluiceClient
    ) async throws -> [FetchPartition] {
        let committed = try await GroupAdmin.committedOffsets(member.group, on: member.coordinator)
        var positions: [FetchPartition] = []
        for topicPartition in partitions.sorted(by: { $0.partition < $1.partition }) {
            let offset: Int64
            if let committedOffset = committed[topicPartition] {
                offset = committedOffset
            } else {
                offset = try await startOffset(of: topicPartition.partition, client: client)
            }
            positions.append(
                FetchPartition(partition: topicPartition.partition, fetchOffset: offset, partitionMaxBytes: settings.fetchSizeBytes))
        }
        return positions
    }

    /// The earliest offset of `partition` (the latest with `--from-latest`).
    private func startOffset(of partition: Int32, client: SluiceClient) async throws -> Int64 {
        let timestamp = settings.fromLatest ? ListOffsetsPartition.latestTimestamp : ListOffsetsPartition.earliestTimestamp
        let result = try await client.listOffsets(topic: settings.topic, partition: partition, timestamp: timestamp)
        guard result.errorCode == .none, result.offset >= 0 else {
            throw SluiceError(
                result.errorCode == .none ? .unknownServerError : result.errorCode,
                "cannot look up the start offset of \(settings.topic)-\(partition)")
        }
        return result.offset
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
                let offset = try await startOffset(of: partition, client: client)
                assignments[index % settings.threads].append(
                    FetchPartition(partition: partition, fetchOffset: offset, partitionMaxBytes: settings.fetchSizeBytes))
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
        while totals.records.load(ordering: .relaxed) < settings.messages, !totals.rejoin.load(ordering: .relaxed) {
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
