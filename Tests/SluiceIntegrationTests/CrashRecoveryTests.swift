import Foundation
import Testing

/// kill -9 during produce, torn tails and corrupt batches: restart on the same data dir.
@Suite(.serialized)
struct CrashRecoveryTests {
    static func produce(_ lines: [String], topic: String, broker: BrokerProcess, acks: String = "1") throws -> CLI.Result {
        try CLI.run(["produce", "--topic", topic, "--acks", acks, "--bootstrap-server", broker.bootstrap],
                    stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    static func consumeAll(topic: String, broker: BrokerProcess, expectAtLeast: Int) throws -> [String] {
        let result = try CLI.run(
            ["consume", "--topic", topic, "--from-beginning", "--print-offset", "--max-messages", "\(max(1, expectAtLeast))",
             "--timeout-ms", "3000", "--bootstrap-server", broker.bootstrap])
        #expect(result.status == 0, "consume failed: \(result.stderr)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    static func describe(topic: String, broker: BrokerProcess) throws -> String {
        let result = try CLI.run(["topics", "describe", topic, "--bootstrap-server", broker.bootstrap])
        #expect(result.status == 0, "describe failed: \(result.stderr)")
        return result.stdoutText
    }

    static func field(_ name: String, in text: String) -> Int64? {
        guard let range = text.range(of: name + ": ") else { return nil }
        return Int64(text[range.upperBound...].prefix { $0.isNumber || $0 == "-" })
    }

    @Test func acknowledgedRecordsSurviveKillNineDuringProduce() throws {
        let first = try BrokerProcess()
        defer { first.kill9(); first.removeData() }
        #expect(try CLI.run(["topics", "create", "crash", "--partitions", "1", "--bootstrap-server", first.bootstrap]).status == 0)
        var acknowledged: [String] = []
        for chunk in 0..<20 {
            let lines = (0..<1000).map { "c\(chunk)-r\($0)" }
            let result = try Self.produce(lines, topic: "crash", broker: first)
            try #require(result.status == 0, "produce failed: \(result.stderr)")
            acknowledged += lines
        }
        // A producer in flight when the broker dies: its records may or may not be there.
        let inFlight = Process()
        inFlight.executableURL = URL(fileURLWithPath: BrokerProcess.binDir + "/sluice")
        inFlight.arguments = ["produce", "--topic", "crash", "--acks", "1", "--bootstrap-server", first.bootstrap]
        let input = Pipe()
        inFlight.standardInput = input
        inFlight.standardError = FileHandle.nullDevice
        try inFlight.run()
        input.fileHandleForWriting.write(Data((0..<50_000).map { "late-\($0)\n" }.joined().utf8))
        first.kill9()
        // Its outcome does not matter (it would retry until delivery.timeout.ms); stop it by PID.
        kill(inFlight.processIdentifier, SIGKILL)
        try? input.fileHandleForWriting.close()
        inFlight.waitUntilExit()

        let second = try BrokerProcess(dataDir: first.dataDir)
        defer { second.kill9() }
        let rows = try Self.consumeAll(topic: "crash", broker: second, expectAtLeast: acknowledged.count + 50_000)
        let values = rows.map { $0.split(separator: "\t", maxSplits: 2)[2] }
        #expect(Array(values.prefix(acknowledged.count)).map(String.init) == acknowledged)
        for (index, row) in rows.enumerated() {
            #expect(row.hasPrefix("Partition:0\tOffset:\(index)\t"), "offsets not dense at \(index): \(row)")
        }
        let description = try Self.describe(topic: "crash", broker: second)
        let logEnd = Self.field("LogEndOffset", in: description), highWatermark = Self.field("HighWatermark", in: description)
        #expect(logEnd == Int64(rows.count))
        #expect(highWatermark == logEnd)
    }

    /// Cuts the segment mid-batch, and in a copy flips a byte in the second batch: recovery truncates at
    /// the first bad batch, reports it, and the broker serves what is valid.
    @Test func recoveryTruncatesTornTailAndCorruptBatch() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "torn", "--partitions", "1", "--bootstrap-server", broker.bootstrap]).status == 0)
        let lines = (0..<30_000).map { "torn-record-\($0)-" + String(repeating: "y", count: 40) }
        #expect(try Self.produce(lines, topic: "torn", broker: broker).status == 0)
        broker.kill9()

        let segment = broker.dataDir + "/logs/torn-0/00000000000000000000.log"
        let original = try #require(FileManager.default.contents(atPath: segment))
        let batches = Self.batchBoundaries(original)
        try #require(batches.count >= 3, "expected several batches, got \(batches.count)")

        // 1. Torn tail: the last batch loses its last 7 bytes.
        let cut = original.prefix(original.count - 7)
        try cut.write(to: URL(fileURLWithPath: segment))
        let torn = try BrokerProcess(dataDir: broker.dataDir)
        let tornRows = try Self.consumeAll(topic: "torn", broker: torn, expectAtLeast: lines.count)
        let lastBatch = batches[batches.count - 1]
        #expect(tornRows.count == lines.count - lastBatch.records)
        #expect(torn.stderr.contains("SLUICE_EVENT=log_recovered"))
        #expect(torn.stderr.contains("TRUNCATED_BYTES=\(lastBatch.length - 7)"))
        torn.kill9()

        // 2. A copy with one byte flipped inside the second batch: everything from it on is dropped.
        var flipped = original
        let target = batches[1].start + 40
        flipped[target] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: segment))
        let corrupt = try BrokerProcess(dataDir: broker.dataDir)
        defer { corrupt.kill9() }
        let corruptRows = try Self.consumeAll(topic: "torn", broker: corrupt, expectAtLeast: lines.count)
        #expect(corruptRows.count == batches[0].records)
        #expect(corrupt.stderr.contains("TRUNCATED_BYTES=\(original.count - batches[1].start)"))
        let values = corruptRows.map { String($0.split(separator: "\t", maxSplits: 2)[2]) }
        #expect(values == Array(lines.prefix(batches[0].records)))
    }

    /// (start, total length, record count) of each whole batch in a segment file, from the fixed header.
    static func batchBoundaries(_ data: Data) -> [(start: Int, length: Int, records: Int)] {
        let bytes = [UInt8](data)
        var result: [(Int, Int, Int)] = []
        var position = 0
        func int32(_ at: Int) -> Int { Int(Int32(bitPattern: UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]))) }
        while position + 61 <= bytes.count {
            let length = 12 + int32(position + 8)
            guard position + length <= bytes.count else { break }
            result.append((position, length, int32(position + 57)))
            position += length
        }
        return result
    }
}
