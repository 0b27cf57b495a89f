import Foundation
import SluiceTestSupport
import Testing

/// Kafka's own clients against a real broker, on the same port as the native protocol. kcat (Debian's, librdkafka
/// 2.0.2) is installed by scripts/setup.
@Suite struct KafkaClientTests {
    @Test func kcatListsBrokersTopicsLeadersAndISROnTheNativePort() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "orders", "--partitions", "3", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let listed = try TestTools.run("/usr/bin/kcat", ["-b", broker.bootstrap, "-L", "-J", "-m", "10"])
        #expect(listed.status == 0, "\(listed.output)")
        let json = try #require(listed.output.split(separator: "\n").last { $0.hasPrefix("{") })
        let metadata = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(metadata["controllerid"] as? Int == 1)
        let brokers = try #require(metadata["brokers"] as? [[String: Any]])
        #expect(brokers.map { $0["name"] as? String } == [broker.bootstrap])
        let topics = try #require(metadata["topics"] as? [[String: Any]])
        let orders = try #require(topics.first { $0["topic"] as? String == "orders" })
        let partitions = try #require(orders["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["partition"] as? Int } == [0, 1, 2])
        #expect(partitions.allSatisfy { $0["leader"] as? Int == 1 })
        // The native protocol still works on the same port, on a new connection and after Kafka's.
        let described = try CLI.run(["topics", "describe", "orders", "--bootstrap-server", broker.bootstrap])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(broker.isRunning)
        // Requests per API and protocol; every series exists from the start.
        #expect(try Self.metric(broker, #"sluice_broker_requests_total{api="Metadata",protocol="kafka"}"#) ?? 0 >= 1)
        #expect(try Self.metric(broker, #"sluice_broker_requests_total{api="ApiVersions",protocol="kafka"}"#) ?? 0 >= 1)
        #expect(try Self.metric(broker, #"sluice_broker_requests_total{api="DescribeTopics",protocol="native"}"#) == 1)
        #expect(try Self.metric(broker, #"sluice_broker_requests_total{api="Fetch",protocol="kafka"}"#) == 0)
    }

    @Test func kcatAsksForAMissingTopicAndHearsItIsUnknown() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let listed = try TestTools.run("/usr/bin/kcat", ["-b", broker.bootstrap, "-L", "-J", "-t", "absent", "-m", "10"])
        let json = try #require(listed.output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(listed.output)")
        let metadata = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let topics = try #require(metadata["topics"] as? [[String: Any]])
        #expect(topics.first?["topic"] as? String == "absent")
        #expect((topics.first?["error"] as? String)?.contains("Unknown topic") == true, "\(topics)")
        let errors = #"sluice_broker_request_errors_total{api="Metadata",error="UNKNOWN_TOPIC_OR_PARTITION"}"#
        #expect(try Self.metric(broker, errors) ?? 0 >= 1)
    }

    /// kcat with a bound (coreutils' timeout), stdin from `input` lines when given.
    static func kcat(_ arguments: [String], input: [String]? = nil) throws -> TestTools.Result {
        var inputPath: String?
        if let input { inputPath = try TestTools.writeTemporaryFile(input.map { $0 + "\n" }.joined()) }
        defer { inputPath.map(TestTools.remove) }
        return try TestTools.run("/usr/bin/timeout", ["60", "/usr/bin/kcat"] + arguments, standardInputPath: inputPath)
    }

    /// The lines a `kcat -C -q` printed (`-q` keeps its "% Reached end" notices out of the output).
    static func consumed(_ result: TestTools.Result) -> [String] {
        result.output.split(separator: "\n").map(String.init)
    }

    /// Compares consumed lines with the expected ones, reporting the count and the first difference rather than
    /// both lists (which run to thousands of lines).
    static func expectLines(
        _ actual: [String], _ expected: [String], _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let firstDifference = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            actual.count == expected.count && firstDifference == nil,
            """
            \(comment) \(actual.count) lines for \(expected.count) expected; first difference: \
            \(firstDifference.map { "line \($0.offset): '\($0.element.0)' for '\($0.element.1)'" } ?? "none")
            """, sourceLocation: sourceLocation)
    }

    static func metric(_ broker: BrokerProcess, _ series: String) throws -> Double? {
        let (_, body) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        guard let line = body.split(separator: "\n").first(where: { $0.hasPrefix(series + " ") }) else { return nil }
        return Double(line.split(separator: " ").last ?? "")
    }

    @Test func kcatProducesWithEveryAcksAndIdempotenceAndConsumesFromBeginningOffsetAndEnd() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "orders", "--partitions", "1", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        var expected: [String] = []
        for (acks, idempotent) in [("0", false), ("1", false), ("all", true)] {
            let lines = (0..<200).map { "acks-\(acks)-\($0)" }
            var arguments = ["-b", broker.bootstrap, "-P", "-t", "orders", "-X", "acks=\(acks)"]
            if idempotent { arguments += ["-X", "enable.idempotence=true"] }
            let produced = try Self.kcat(arguments, input: lines)
            #expect(produced.status == 0, "acks=\(acks): \(produced.output)")
            expected += lines
        }
        let all = try Self.kcat(["-b", broker.bootstrap, "-C", "-q", "-t", "orders", "-o", "beginning", "-e"])
        #expect(all.status == 0, "\(all.output)")
        Self.expectLines(Self.consumed(all), expected)
        let fromOffset = try Self.kcat(["-b", broker.bootstrap, "-C", "-q", "-t", "orders", "-p", "0", "-o", "450", "-e"])
        Self.expectLines(Self.consumed(fromOffset), Array(expected[450...]), "a fetch inside a batch skips the records before:")
        let lastTen = try Self.kcat(["-b", broker.bootstrap, "-C", "-q", "-t", "orders", "-p", "0", "-o", "-10", "-e"])
        Self.expectLines(Self.consumed(lastTen), Array(expected.suffix(10)))
        let atEnd = try Self.kcat(["-b", broker.bootstrap, "-C", "-q", "-t", "orders", "-p", "0", "-o", "end", "-e"])
        #expect(atEnd.status == 0, "\(atEnd.output)")
        #expect(Self.consumed(atEnd).isEmpty)
        // One set of metrics counts both protocols' produce requests.
        for acks in ["0", "1", "all"] {
            let requests = try Self.metric(broker, "sluice_broker_produce_requests_total{acks=\"\(acks)\"}")
            #expect((requests ?? 0) >= 1, "acks=\(acks)")
        }
        #expect(broker.isRunning)
    }

    @Test func kcatCompressedBatchesAreStoredAsSentAndReadBackWithEveryCodec() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "packed", "--partitions", "1", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        var expected: [String] = []
        for codec in ["gzip", "snappy", "lz4", "zstd"] {
            let lines = (0..<300).map { "\(codec) record \($0) " + String(repeating: "x", count: $0 % 50) }
            let produced = try Self.kcat(
                ["-b", broker.bootstrap, "-P", "-t", "packed", "-z", codec, "-X", "enable.idempotence=true"],
                input: lines)
            #expect(produced.status == 0, "\(codec): \(produced.output)")
            expected += lines
        }
        let consumed = try Self.kcat(["-b", broker.bootstrap, "-C", "-q", "-t", "packed", "-o", "beginning", "-e"])
        Self.expectLines(Self.consumed(consumed), expected)
        // The native consumer decompresses each codec itself (the broker never did).
        let native = try CLI.run(
            ["consume", "--topic", "packed", "--from-beginning", "--max-messages", "\(expected.count)",
             "--bootstrap-server", broker.bootstrap], timeout: .seconds(60))
        #expect(native.status == 0, "\(native.stderr)")
        Self.expectLines(native.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), expected)
        // Stored as received: compressed, so the log holds fewer bytes than the values alone.
        let described = try CLI.run(["topics", "describe", "packed", "--bootstrap-server", broker.bootstrap])
        let size = described.stdoutText.split(separator: "\t").first { $0.hasPrefix("Size: ") }
            .flatMap { Int($0.dropFirst("Size: ".count).prefix { $0.isNumber }) }
        let valueBytes = expected.reduce(0) { $0 + $1.utf8.count }
        #expect(size.map { $0 < valueBytes / 2 } == true, "log size \(String(describing: size)) for \(valueBytes) value bytes")
    }

    @Test func nativeAndKafkaBatchesShareAPartitionAndBothClientsReadBoth() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "mixed", "--partitions", "1", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let native = try CLI.run(
            ["produce", "--topic", "mixed", "--key-separator", "=", "--bootstrap-server", broker.bootstrap],
            stdin: Data("n1=native one\nn2=native two\n".utf8))
        #expect(native.status == 0, "\(native.stderr)")
        let kafka = try Self.kcat(["-b", broker.bootstrap, "-P", "-t", "mixed", "-K", "="], input: ["k1=kafka one", "k2=kafka two"])
        #expect(kafka.status == 0, "\(kafka.output)")
        let expected = ["0 n1=native one", "1 n2=native two", "2 k1=kafka one", "3 k2=kafka two"]
        // A Kafka consumer gets the native batch converted to magic 2, and the conversion is counted.
        let viaKafka = try Self.kcat(["-b", broker.bootstrap, "-C", "-q", "-t", "mixed", "-o", "beginning", "-e", "-f", "%o %k=%s\n"])
        #expect(Self.consumed(viaKafka) == expected)
        #expect(try Self.metric(broker, "sluice_broker_fetch_conversions_total{topic=\"mixed\"}") == 1)
        #expect(try Self.metric(broker, #"sluice_broker_requests_total{api="Produce",protocol="native"}"#) ?? 0 >= 1)
        #expect(try Self.metric(broker, #"sluice_broker_requests_total{api="Produce",protocol="kafka"}"#) ?? 0 >= 1)
        #expect(try Self.metric(broker, #"sluice_broker_requests_total{api="Fetch",protocol="kafka"}"#) ?? 0 >= 1)
        // The native consumer reads Kafka's batch as stored.
        let viaNative = try CLI.run(
            ["consume", "--topic", "mixed", "--from-beginning", "--max-messages", "4", "--print-key", "--print-offset",
             "--bootstrap-server", broker.bootstrap], timeout: .seconds(30))
        #expect(viaNative.status == 0, "\(viaNative.stderr)")
        #expect(
            viaNative.stdoutText.split(separator: "\n").map(String.init) == [
                "Partition:0\tOffset:0\tn1\tnative one", "Partition:0\tOffset:1\tn2\tnative two",
                "Partition:0\tOffset:2\tk1\tkafka one", "Partition:0\tOffset:3\tk2\tkafka two",
            ])
    }

    @Test func kcatProducesToATopicItNamesFirstWhenAutoCreationIsOnAsInKafka() throws {
        let broker = try BrokerProcess(overrides: ["auto.create.topics.enable=true", "num.partitions=2"])
        defer {
            broker.stop()
            broker.removeData()
        }
        let lines = (0..<50).map { "fresh \($0)" }
        let produced = try Self.kcat(["-b", broker.bootstrap, "-P", "-t", "fresh"], input: lines)
        #expect(produced.status == 0, "\(produced.output)")
        let described = try CLI.run(["topics", "describe", "fresh", "--bootstrap-server", broker.bootstrap])
        #expect(described.stdoutText.contains("PartitionCount: 2"), "\(described.stdoutText)")
        let consumed = try Self.kcat(["-b", broker.bootstrap, "-C", "-q", "-t", "fresh", "-o", "beginning", "-e"])
        #expect(Set(Self.consumed(consumed)) == Set(lines), "two partitions: every line once, in some order")
        #expect(Self.consumed(consumed).count == lines.count)
    }
}
