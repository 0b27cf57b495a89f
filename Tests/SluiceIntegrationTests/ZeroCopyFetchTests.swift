import Foundation
import SluiceClient
import SluiceWire
import Testing

/// Fetch responses are sent from the segment files (sendfile) with a hand-written envelope: a real broker's
/// answers decode with the client's protobuf-c decoder to whole, CRC-valid batches within the limits, across
/// partitions and segments, and while retention deletes segments under the reads.
@Suite(.serialized)
struct ZeroCopyFetchTests {
    /// Every record of every partition, fetched from 0 with a small partition limit; checks each answer on the way.
    private static func fetchAll(
        _ client: SluiceClient, topic: String, partitions: [Int32], maxBytes: Int32
    ) async throws -> [Int32: [String]] {
        var positions = Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(0)) })
        var values: [Int32: [String]] = [:]
        var done = Set<Int32>()
        let deadline = ContinuousClock.now + .seconds(60)
        while done.count < partitions.count, ContinuousClock.now < deadline {
            let wanted = partitions.filter { !done.contains($0) }.map {
                FetchPartition(partition: $0, fetchOffset: positions[$0]!, partitionMaxBytes: maxBytes)
            }
            for response in try await client.fetch(topic: topic, partitions: wanted, maxWaitMs: 10) {
                try #require(response.errorCode == .none, "partition \(response.partition): \(response.errorCode)")
                let from = positions[response.partition]!
                if response.records.readableBytes == 0 {
                    if from >= response.highWatermark { done.insert(response.partition) }
                    continue
                }
                // Whole batches only: the headers account for every byte, and the first holds the fetch offset.
                let headers = Self.headers(response)
                #expect(headers.reduce(0) { $0 + $1.totalSize } == response.records.readableBytes)
                #expect(headers.count == 1 || response.records.readableBytes <= Int(maxBytes))
                #expect(headers[0].baseOffset <= from && from <= headers[0].lastOffset)
                #expect(headers.last!.nextOffset <= response.highWatermark)
                let next = try response.records.withUnsafeReadableBytes { bytes in
                    try RecordBatchReader.forEachRecord(in: bytes) { record in
                        guard record.offset >= from else { return }
                        values[response.partition, default: []].append(String(decoding: record.value!, as: UTF8.self))
                    }
                }
                positions[response.partition] = try #require(next)
            }
        }
        return values
    }

    static func headers(_ response: FetchPartitionResponse) -> [RecordBatchHeader] {
        response.records.withUnsafeReadableBytes { bytes in
            var result: [RecordBatchHeader] = []
            var position = 0
            while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) {
                result.append(header)
                position += header.totalSize
            }
            return result
        }
    }

    @Test func severalPartitionsAndSegmentsComeBackWholeAndInOrderWithinTheLimit() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        let created = try CLI.run([
            "topics", "create", "zero", "--partitions", "3", "--config", "segment.bytes=4096",
            "--bootstrap-server", broker.bootstrap,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let lines = (0..<3000).map { "k\($0 % 7)\tvalue-\($0)-" + String(repeating: "z", count: $0 % 50) }
        let produced = try CLI.run(
            [
                "produce", "--topic", "zero", "--key-separator", "\t", "--batch-size", "700", "--acks", "all",
                "--bootstrap-server", broker.bootstrap,
            ],
            stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(produced.status == 0, "\(produced.stderr)")
        let client = try SluiceClient(bootstrapServers: [broker.bootstrap], clientId: "zero-copy-test")
        let values = try await Self.fetchAll(client, topic: "zero", partitions: [0, 1, 2], maxBytes: 1500)
        try await client.close()
        let all = values.values.flatMap { $0 }
        #expect(all.count == lines.count && Set(all).count == lines.count)
        // A key always lands on one partition, where its records keep the order they were produced in.
        for key in 0..<7 {
            let sent = lines.filter { $0.hasPrefix("k\(key)\t") }.map { String($0.split(separator: "\t")[1]) }
            let sentSet = Set(sent)
            let holders = values.values.filter { $0.contains(sent[0]) }
            #expect(holders.count == 1)
            #expect(holders.first?.filter { sentSet.contains($0) } == sent)
        }
    }

    @Test func readsWhileRetentionDeletesSegmentsSeeOnlyValidBatchesOrOutOfRange() async throws {
        let broker = try BrokerProcess(overrides: ["log.retention.check.interval.ms=1000"])
        defer { broker.kill9(); broker.removeData() }
        let created = try CLI.run([
            "topics", "create", "churn", "--config", "segment.bytes=2048", "--config", "retention.bytes=8192",
            "--bootstrap-server", broker.bootstrap,
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let client = try SluiceClient(bootstrapServers: [broker.bootstrap], clientId: "zero-copy-churn")
        var outOfRange = 0
        var batches = 0
        var startOffsetMoved = false
        for round in 0..<12 {
            let lines = (0..<400).map { "round-\(round)-record-\($0)-" + String(repeating: "r", count: 30) }
            let produced = try CLI.run(
                ["produce", "--topic", "churn", "--batch-size", "600", "--acks", "1", "--bootstrap-server", broker.bootstrap],
                stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
            #expect(produced.status == 0, "\(produced.stderr)")
            // Read everything from 0 (soon below the log start) and from the earliest offset, every round.
            let earliest = try await client.listOffsets(topic: "churn", partition: 0, timestamp: -2).offset
            startOffsetMoved = startOffsetMoved || earliest > 0
            for offset in [0, earliest] {
                var position = offset
                while true {
                    let response = try await client.fetch(
                        topic: "churn", partition: 0, offset: position, maxBytes: 1024, maxWaitMs: 0)
                    if response.errorCode == .offsetOutOfRange {
                        outOfRange += 1
                        break
                    }
                    try #require(response.errorCode == .none, "\(response.errorCode)")
                    guard response.records.readableBytes > 0 else { break }
                    let next = try response.records.withUnsafeReadableBytes { bytes in
                        try RecordBatchReader.forEachRecord(in: bytes) { _ in }
                    }
                    batches += Self.headers(response).count
                    position = try #require(next)
                }
            }
        }
        try await client.close()
        #expect(startOffsetMoved, "retention deleted segments while the test read")
        #expect(outOfRange > 0 && batches > 100)
    }
}
