import Foundation
import Testing

/// 100 000 lines through the real CLI and a real broker, with each acks setting.
@Suite(.serialized)
struct RoundTripTests {
    static let lineCount = 100_000

    static func lines() -> [String] { (1...lineCount).map { "line-\($0)-" + String(repeating: "x", count: $0 % 23) } }

    @Test(arguments: ["0", "1", "all"])
    func hundredThousandLinesComeBackInOrderPerPartition(acks: String) throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        let topic = "orders"
        let create = try CLI.run(["topics", "create", topic, "--partitions", "3", "--bootstrap-server", broker.bootstrap])
        #expect(create.status == 0, "create failed: \(create.stderr)")
        let input = Self.lines()
        let produce = try CLI.run(
            ["produce", "--topic", topic, "--acks", acks, "--bootstrap-server", broker.bootstrap],
            stdin: Data((input.joined(separator: "\n") + "\n").utf8))
        #expect(produce.status == 0, "produce failed: \(produce.stderr)")
        let consume = try CLI.run(
            ["consume", "--topic", topic, "--from-beginning", "--max-messages", "\(Self.lineCount)", "--print-offset",
             "--timeout-ms", "20000", "--bootstrap-server", broker.bootstrap])
        #expect(consume.status == 0, "consume failed: \(consume.stderr)")
        try Self.verify(consumed: consume.stdoutText, produced: input)
    }

    /// Every produced line comes back exactly once, byte-identical; offsets are dense per partition and
    /// lines keep their produce order within each partition.
    static func verify(consumed: String, produced: [String]) throws {
        let rows = consumed.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(rows.count == produced.count)
        let position = Dictionary(uniqueKeysWithValues: produced.enumerated().map { ($1, $0) })
        var lastPosition: [Substring: Int] = [:]
        var nextOffset: [Substring: Int64] = [:]
        var seen = Set<String>()
        for row in rows {
            let fields = row.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            try #require(fields.count == 3, "unexpected row: \(row)")
            let partition = fields[0], offset = Int64(fields[1].dropFirst("Offset:".count))!, value = String(fields[2])
            let index = try #require(position[value], "consumed a line never produced: \(value)")
            #expect(offset == nextOffset[partition, default: 0], "offsets not dense in \(partition)")
            #expect(index > lastPosition[partition, default: -1], "order broken in \(partition)")
            nextOffset[partition] = offset + 1
            lastPosition[partition] = index
            seen.insert(value)
        }
        #expect(seen.count == produced.count)
    }
}
