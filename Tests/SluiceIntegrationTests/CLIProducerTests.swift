import Foundation
import Testing

/// `sluice produce` and `sluice perf produce` over the SluiceProducer library, against a real broker:
/// producer properties and their precedence, fast failures, the key separator, and Kafka's perf-test output.
@Suite(.serialized)
struct CLIProducerTests {
    /// Kafka's `ProducerPerformance` final line (a function: `Regex` is not Sendable, so no shared static).
    static func finalLine() -> Regex<(Substring, Substring)> {
        #/(\d+) records sent, \d+\.\d{6} records/sec \(\d+\.\d{2} MB/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\./#
    }

    /// A started broker with `topic` created (`partitions` of them); the caller stops it.
    static func broker(withTopic topic: String, partitions: Int = 1) throws -> BrokerProcess {
        let broker = try BrokerProcess()
        do {
            let created = try CLI.run([
                "topics", "create", topic, "--partitions", "\(partitions)", "--bootstrap-server", broker.bootstrap,
            ])
            #expect(created.status == 0, "\(created.stderr)")
            return broker
        } catch {
            broker.kill9()
            broker.removeData()
            throw error
        }
    }

    static func lines(_ values: [String]) -> Data { Data((values.joined(separator: "\n") + "\n").utf8) }

    static func consume(_ topic: String, count: Int, broker: BrokerProcess) throws -> [String] {
        let result = try CLI.run([
            "consume", "--topic", topic, "--from-beginning", "--max-messages", "\(count)",
            "--timeout-ms", "5000", "--bootstrap-server", broker.bootstrap,
        ])
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    /// `--report-acks` prints Kafka VerifiableProducer's JSON per record: what was acknowledged, where; a record
    /// that fails is reported too and turns the exit status to 1 without stopping the input.
    @Test func reportAcksPrintsOneJSONLinePerAcknowledgedOrFailedRecord() throws {
        let broker = try Self.broker(withTopic: "acks")
        defer {
            broker.kill9()
            broker.removeData()
        }
        let produced = try CLI.run(
            [
                "produce", "--topic", "acks", "--report-acks", "--key-separator", ":", "--bootstrap-server",
                broker.bootstrap,
            ],
            stdin: Self.lines(["k1:v1", "k2:say \"hi\"", "k3:v3"]))
        #expect(produced.status == 0, "\(produced.stderr)")
        let lines = produced.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"name":"producer_send_success","key":"k1","value":"v1","topic":"acks","partition":0,"offset":0}"#,
            #"{"name":"producer_send_success","key":"k2","value":"say \"hi\"","topic":"acks","partition":0,"offset":1}"#,
            #"{"name":"producer_send_success","key":"k3","value":"v3","topic":"acks","partition":0,"offset":2}"#,
        ])
        let refused = try CLI.run(
            [
                "produce", "--topic", "acks", "--report-acks", "--producer-property", "max.request.size=200",
                "--bootstrap-server", broker.bootstrap,
            ],
            stdin: Self.lines([String(repeating: "x", count: 500), "small"]))
        #expect(refused.status == 1)
        let reports = refused.stdoutText.split(separator: "\n").map(String.init)
        #expect(reports.count == 2)
        #expect(reports.first?.hasPrefix(#"{"name":"producer_send_error","key":null,"value":"xxx"#) == true)
        #expect(reports.first?.contains(#""error":"RECORD_TOO_LARGE""#) == true)
        #expect(reports.last == #"{"name":"producer_send_success","key":null,"value":"small","topic":"acks","partition":0,"offset":3}"#)
    }

    @Test func producerPropertyReachesTheProducerAndIsDelivered() throws {
        let broker = try Self.broker(withTopic: "props")
        defer {
            broker.kill9()
            broker.removeData()
        }
        let produced = try CLI.run(
            [
                "produce", "--topic", "props", "--producer-property", "linger.ms=20",
                "--producer-property", "client.id=props-test", "--bootstrap-server", broker.bootstrap,
            ],
            stdin: Self.lines(["a", "b", "c"]))
        #expect(produced.status == 0, "\(produced.stderr)")
        #expect(try Self.consume("props", count: 3, broker: broker) == ["a", "b", "c"])
        // A property the library enforces client-side shows that the property reached it.
        let tooLarge = try CLI.run(
            [
                "produce", "--topic", "props", "--producer-property", "max.request.size=200",
                "--bootstrap-server", broker.bootstrap,
            ],
            stdin: Self.lines([String(repeating: "x", count: 500)]))
        #expect(tooLarge.status == 1)
        #expect(tooLarge.stderr.contains("Error producing to props: "), "\(tooLarge.stderr)")
        #expect(tooLarge.stderr.contains("max.request.size"), "\(tooLarge.stderr)")
    }

    @Test func explicitFlagWinsOverProducerProperty() throws {
        let broker = try BrokerProcess(overrides: ["min.insync.replicas=2"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        #expect(try CLI.run(["topics", "create", "strict", "--bootstrap-server", broker.bootstrap]).status == 0)
        // acks=1 from the property beats the flag's default (all): accepted with one in-sync replica.
        let fromProperty = try CLI.run(
            [
                "produce", "--topic", "strict", "--producer-property", "acks=1",
                "--bootstrap-server", broker.bootstrap,
            ], stdin: Self.lines(["one"]))
        #expect(fromProperty.status == 0, "\(fromProperty.stderr)")
        // --acks all given explicitly beats the property: refused, named as Kafka names it.
        let fromFlag = try CLI.run(
            [
                "produce", "--topic", "strict", "--producer-property", "acks=1", "--acks", "all",
                "--bootstrap-server", broker.bootstrap,
            ], stdin: Self.lines(["two"]),
            timeout: .seconds(30))
        #expect(fromFlag.status == 1)
        #expect(fromFlag.stderr.contains("NOT_ENOUGH_REPLICAS"), "\(fromFlag.stderr)")
    }

    @Test func aHeaderWithoutAKeyIsRefusedNamingTheArgument() throws {
        let result = try CLI.run(
            ["produce", "--topic", "any", "--header", "=value", "--bootstrap-server", "127.0.0.1:1"], timeout: .seconds(10))
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--header '=value' has an empty key"), "\(result.stderr)")
    }

    @Test func badProducerPropertyFailsNamingTheKey() throws {
        // Validated before connecting: no broker needed.
        let badValue = try CLI.run(
            [
                "produce", "--topic", "any", "--producer-property", "linger.ms=abc",
                "--bootstrap-server", "127.0.0.1:1",
            ], timeout: .seconds(10))
        #expect(badValue.status != 0)
        #expect(badValue.stderr.contains("linger.ms"), "\(badValue.stderr)")
        #expect(badValue.stderr.contains("'abc'"), "\(badValue.stderr)")
        let unknownKey = try CLI.run(
            [
                "perf", "produce", "--topic", "any", "--num-records", "1", "--record-size", "1",
                "--producer-props", "linger.msec=5", "--bootstrap-server", "127.0.0.1:1",
            ],
            timeout: .seconds(10))
        #expect(unknownKey.status != 0)
        #expect(unknownKey.stderr.contains("linger.msec"), "\(unknownKey.stderr)")
        let notAPair = try CLI.run(
            [
                "produce", "--topic", "any", "--producer-property", "linger.ms",
                "--bootstrap-server", "127.0.0.1:1",
            ], timeout: .seconds(10))
        #expect(notAPair.status != 0)
        #expect(notAPair.stderr.contains("--producer-property expects key=value"), "\(notAPair.stderr)")
    }

    @Test func unknownTopicAndPartitionFailAtOnce() throws {
        let broker = try Self.broker(withTopic: "two", partitions: 2)
        defer {
            broker.kill9()
            broker.removeData()
        }
        // Without the Metadata check the producer would wait max.block.ms (60 s); the timeout catches that.
        let unknown = try CLI.run(
            ["produce", "--topic", "missing", "--bootstrap-server", broker.bootstrap],
            stdin: Self.lines(["x"]), timeout: .seconds(10))
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.contains("Error: UNKNOWN_TOPIC_OR_PARTITION: topic 'missing' does not exist"),
            "\(unknown.stderr)")
        let perf = try CLI.run(
            [
                "perf", "produce", "--topic", "missing", "--num-records", "10", "--record-size", "10",
                "--bootstrap-server", broker.bootstrap,
            ], timeout: .seconds(10))
        #expect(perf.status == 1)
        #expect(
            perf.stderr.contains("Error: UNKNOWN_TOPIC_OR_PARTITION: topic 'missing' does not exist"), "\(perf.stderr)")
        let partition = try CLI.run(
            ["produce", "--topic", "two", "--partition", "2", "--bootstrap-server", broker.bootstrap],
            stdin: Self.lines(["x"]), timeout: .seconds(10))
        #expect(partition.status == 1)
        #expect(
            partition.stderr.contains("partition two-2 does not exist (the topic has 2 partitions)"),
            "\(partition.stderr)")
    }

    @Test func lineWithoutKeySeparatorStopsAfterDeliveringEarlierLines() throws {
        let broker = try Self.broker(withTopic: "keyed")
        defer {
            broker.kill9()
            broker.removeData()
        }
        let result = try CLI.run(
            ["produce", "--topic", "keyed", "--key-separator", "::", "--bootstrap-server", broker.bootstrap],
            stdin: Self.lines(["k1::v1", "k2::v2", "no separator", "k4::v4"]))
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("Error: No key separator found on line number 3: 'no separator'"), "\(result.stderr)"
        )
        #expect(try Self.consume("keyed", count: 4, broker: broker) == ["v1", "v2"])
    }

    @Test func aBrokerThatGoesAwayCostsOneConnectWarningNotOnePerRetry() async throws {
        let broker = try Self.broker(withTopic: "away")
        defer {
            broker.kill9()
            broker.removeData()
        }
        let bootstrap = broker.bootstrap
        // 1000 records/s for 100 s at most: the broker dies a moment in, and every reconnect (50 ms apart) fails
        // until the records pass delivery.timeout.ms.
        let run = Task.detached {
            try CLI.run(
                [
                    "perf", "produce", "--topic", "away", "--num-records", "100000", "--record-size", "100",
                    "--throughput", "1000", "--producer-props", "acks=1", "linger.ms=5", "request.timeout.ms=500",
                    "delivery.timeout.ms=3000", "retry.backoff.ms=50", "--bootstrap-server", bootstrap,
                ], timeout: .seconds(60))
        }
        // Bounded: 20 s of polls, 100 ms apart, until records are in the log.
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        var appended = false
        while !appended, ContinuousClock.now < deadline {
            let describe = try CLI.run(["topics", "describe", "away", "--bootstrap-server", bootstrap])
            appended =
                describe.stdoutText.contains("LogEndOffset: ") && !describe.stdoutText.contains("LogEndOffset: 0")
            if !appended { try await Task.sleep(for: .milliseconds(100)) }
        }
        broker.kill9()
        #expect(appended, "perf produce appended nothing in 20 s, so the broker went away before it produced")
        let result = try await run.value
        #expect(result.status == 1, "the records fail after delivery.timeout.ms: \(result.stderr)")
        let warnings = result.stderr.components(separatedBy: "cannot connect to broker").count - 1
        #expect(warnings == 1, "\(warnings) connect warnings:\n\(result.stderr)")
    }

    @Test func perfProducePrintsKafkasFinalLine() throws {
        let broker = try Self.broker(withTopic: "perf")
        defer {
            broker.kill9()
            broker.removeData()
        }
        let result = try CLI.run(
            [
                "perf", "produce", "--topic", "perf", "--num-records", "20000", "--record-size", "100",
                "--throughput", "-1", "--producer-props", "acks=1", "linger.ms=5", "batch.size=262144",
                "--bootstrap-server", broker.bootstrap,
            ], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stderr)")
        let last = try #require(result.stdoutText.split(separator: "\n").last.map(String.init))
        let match = try #require(last.wholeMatch(of: Self.finalLine()), "not Kafka's final line: \(last)")
        #expect(match.1 == "20000")
        let describe = try CLI.run(["topics", "describe", "perf", "--bootstrap-server", broker.bootstrap])
        #expect(describe.stdoutText.contains("LogEndOffset: 20000"), "\(describe.stdoutText)")
    }

    @Test func perfProducePrintsTheProducersMetrics() throws {
        let broker = try Self.broker(withTopic: "perf")
        defer {
            broker.kill9()
            broker.removeData()
        }
        let result = try CLI.run(
            [
                "perf", "produce", "--topic", "perf", "--num-records", "1000", "--record-size", "100",
                "--throughput", "-1", "--producer-props", "acks=1", "--print-metrics",
                "--bootstrap-server", broker.bootstrap,
            ], timeout: .seconds(60))
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.wholeMatch(of: Self.finalLine()) != nil }, "\(result.stdoutText)")
        #expect(result.stdoutText.contains("sluice_producer_batches_sent_total"), "\(result.stdoutText)")
        #expect(
            result.stdoutText.contains("sluice_producer_records_sent_total{topic=\"perf\"} 1000"),
            "\(result.stdoutText)")
    }
}
