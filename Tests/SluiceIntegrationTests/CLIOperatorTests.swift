import Foundation
import Testing

/// The CLI as a Kafka operator expects it, against real `sluiced` processes: a consumer that rides out a
/// broker restart, says when an offset is reset or its topic is deleted, ends on SIGTERM with its total; a
/// failed produce that prints one line; `--version`; and clear errors for an HTTP port or a `scheme://`
/// bootstrap address.
@Suite(.serialized)
struct CLIOperatorTests {
    static func createTopic(_ broker: BrokerProcess, _ name: String, configs: [String] = []) throws {
        var arguments = ["topics", "create", name, "--partitions", "1", "--bootstrap-server", broker.bootstrap]
        for config in configs { arguments += ["--config", config] }
        let created = try CLI.run(arguments)
        #expect(created.status == 0, "\(created.stderr)")
    }

    static func produce(_ broker: BrokerProcess, _ topic: String, _ values: [String]) throws {
        let produced = try CLI.run(
            ["produce", "--topic", topic, "--bootstrap-server", broker.bootstrap],
            stdin: Data((values.joined(separator: "\n") + "\n").utf8))
        #expect(produced.status == 0, "\(produced.stderr)")
    }

    /// Stderr lines that are not empty.
    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func consumeReconnectsAcrossABrokerRestartOnTheSamePortAndDataDir() throws {
        let first = try BrokerProcess()
        defer {
            first.kill9()
            first.removeData()
        }
        try Self.createTopic(first, "orders")
        try Self.produce(first, "orders", ["a1", "a2", "a3"])
        let consumer = try CLIProcess([
            "consume", "--topic", "orders", "--from-beginning", "--bootstrap-server", first.bootstrap,
        ])
        try consumer.waitFor("first three records") { $0.stdoutLines.count == 3 }
        #expect(first.stop() == 0)
        try consumer.waitFor("'lost' line") { $0.stderr.contains("Lost the connection to the broker") }
        #expect(consumer.process.isRunning, "the consumer keeps retrying: \(consumer.stderr)")

        let second = try BrokerProcess(dataDir: first.dataDir, nativePort: first.nativePort)
        defer {
            second.kill9()
            second.removeData()
        }
        try Self.produce(second, "orders", ["b1", "b2", "b3"])
        try consumer.waitFor("records produced after the restart") { $0.stdoutLines.count == 6 }
        #expect(consumer.stdoutLines == ["a1", "a2", "a3", "b1", "b2", "b3"])
        try consumer.waitFor("'reconnected' line") { $0.stderr.contains("Reconnected to the broker") }
        consumer.signal(SIGTERM)
        #expect(try consumer.waitForExit() == 0, "\(consumer.stderr)")
        let stderr = Self.lines(consumer.stderr)
        // Once each: lost, reconnected, then the total.
        let lost = stderr.filter { $0.contains("Lost the connection") }
        #expect(lost.count == 1, "\(stderr)")
        #expect(lost.first?.contains(first.bootstrap) == true, "names the broker it lost: \(stderr)")
        #expect(stderr.filter { $0.contains("Reconnected") }.count == 1, "\(stderr)")
        #expect(stderr.last == "Processed a total of 6 messages", "\(stderr)")
    }

    @Test func sigtermEndsConsumeWithItsTotalAndExitZero() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "quiet")
        try Self.produce(broker, "quiet", ["one", "two"])
        let consumer = try CLIProcess([
            "consume", "--topic", "quiet", "--from-beginning", "--bootstrap-server", broker.bootstrap,
        ])
        try consumer.waitFor("two records") { $0.stdoutLines.count == 2 }
        consumer.signal(SIGTERM)
        #expect(try consumer.waitForExit() == 0, "\(consumer.stderr)")
        #expect(Self.lines(consumer.stderr) == ["Processed a total of 2 messages"], "\(consumer.stderr)")
    }

    @Test func sigtermEndsConsumeWhileItsFetchHangsOnAPausedBroker() throws {
        let broker = try BrokerProcess()
        defer {
            kill(broker.pid, SIGCONT)
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "paused")
        try Self.produce(broker, "paused", ["p"])
        let consumer = try CLIProcess([
            "consume", "--topic", "paused", "--from-beginning", "--bootstrap-server", broker.bootstrap,
        ])
        try consumer.waitFor("the record") { $0.stdoutLines.count == 1 }
        // An idle consumer spends its time in Fetch long polls (the broker holds each up to 500 ms), so the
        // pause catches one in flight; unanswered, it would wait out request.timeout.ms (30 s). Had the pause
        // fallen between two fetches, the next one waits in the same way — either way the consumer is stuck.
        kill(broker.pid, SIGSTOP)
        consumer.signal(SIGTERM)
        // Well inside the 30 s request timeout the fetch would otherwise wait out.
        #expect(try consumer.waitForExit(timeout: .seconds(10)) == 0, "\(consumer.stderr)")
        #expect(Self.lines(consumer.stderr) == ["Processed a total of 1 messages"], "\(consumer.stderr)")
    }

    @Test func consumeWithTimeoutGivesUpOnALostBrokerNamingTheCause() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "gone")
        try Self.produce(broker, "gone", ["only"])
        let consumer = try CLIProcess([
            "consume", "--topic", "gone", "--from-beginning", "--timeout-ms", "1500", "--bootstrap-server",
            broker.bootstrap,
        ])
        try consumer.waitFor("the record") { $0.stdoutLines.count == 1 }
        #expect(broker.stop() == 0)
        #expect(try consumer.waitForExit() == 1, "\(consumer.stderr)")
        let stderr = Self.lines(consumer.stderr)
        #expect(stderr.first?.contains("Lost the connection to the broker") == true, "\(stderr)")
        #expect(stderr.contains("Processed a total of 1 messages"), "\(stderr)")
        #expect(
            stderr.last?.hasPrefix("Error: no record for 1500 ms (--timeout-ms) and the broker is still unreachable")
                == true, "\(stderr)")
        #expect(stderr.last?.contains(broker.bootstrap) == true, "\(stderr)")
    }

    @Test func anOffsetResetIsReportedAndADeletedTopicEndsTheRun() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "reset")
        try Self.produce(broker, "reset", ["r0", "r1", "r2"])
        let reset = try CLI.run([
            "consume", "--topic", "reset", "--partition", "0", "--offset", "100", "--timeout-ms", "1000",
            "--bootstrap-server", broker.bootstrap,
        ])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(
            Self.lines(reset.stderr).first
                == "Resetting offset for partition reset-0 to position 3: fetch position 100 is out of range "
                + "(auto.offset.reset=latest)", "\(reset.stderr)")

        let consumer = try CLIProcess([
            "consume", "--topic", "reset", "--from-beginning", "--bootstrap-server", broker.bootstrap,
        ])
        try consumer.waitFor("three records") { $0.stdoutLines.count == 3 }
        let deleted = try CLI.run(["topics", "delete", "reset", "--bootstrap-server", broker.bootstrap])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try consumer.waitForExit() == 1, "\(consumer.stderr)")
        #expect(
            Self.lines(consumer.stderr) == [
                "Processed a total of 3 messages",
                "Error: topic reset was deleted (UNKNOWN_TOPIC_OR_PARTITION); stopping",
            ], "\(consumer.stderr)")
    }

    @Test func aFailedProducePrintsOneLineWithTheCause() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "tiny", configs: ["max.message.bytes=200"])
        try Self.createTopic(broker, "isr", configs: ["min.insync.replicas=2"])
        // Many small lines around one too large: batches split, the big record fails, the rest are abandoned.
        let small = (0..<2_000).map { "line \($0)" }
        let input = small[..<1_000] + [String(repeating: "x", count: 300)] + small[1_000...]
        let tooLarge = try CLI.run(
            ["produce", "--topic", "tiny", "--bootstrap-server", broker.bootstrap],
            stdin: Data((input.joined(separator: "\n") + "\n").utf8))
        #expect(tooLarge.status == 1)
        let tooLargeLines = Self.lines(tooLarge.stderr)
        #expect(tooLargeLines.count == 1, "\(tooLarge.stderr)")
        #expect(
            tooLargeLines.first?.hasPrefix("Error producing to tiny: MESSAGE_TOO_LARGE: ") == true, "\(tooLargeLines)")
        #expect(tooLargeLines.first?.contains("larger than max.message.bytes (200)") == true, "\(tooLargeLines)")

        let refused = try CLI.run(
            ["produce", "--topic", "isr", "--bootstrap-server", broker.bootstrap], stdin: Data("a\nb\nc\n".utf8))
        #expect(refused.status == 1)
        #expect(
            Self.lines(refused.stderr) == [
                "Error producing to isr: NOT_ENOUGH_REPLICAS: isr-0 has 1 in-sync replicas, min.insync.replicas is 2"
            ], "\(refused.stderr)")
    }

    @Test func versionIsPrintedAndMatchesTheDaemons() throws {
        let cli = try CLI.run(["--version"])
        #expect(cli.status == 0)
        let version = cli.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.wholeMatch(of: #/\d+\.\d+\.\d+/#) != nil, "\(cli.stdoutText)")
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: BrokerProcess.binDir + "/sluiced")
        daemon.arguments = ["--version"]
        let pipe = Pipe()
        daemon.standardOutput = pipe
        try daemon.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        daemon.waitUntilExit()
        #expect(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == version)
    }

    @Test func theHTTPPortIsNamedOnBothSides() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        // A client pointed at the HTTP listener.
        let wrongPort = "127.0.0.1:\(broker.httpPort)"
        let listed = try CLI.run(["topics", "list", "--bootstrap-server", wrongPort], timeout: .seconds(30))
        #expect(listed.status == 1)
        let line = Self.lines(listed.stderr)
        #expect(line.count == 1, "\(listed.stderr)")
        #expect(line.first?.contains("\(wrongPort) is an HTTP listener") == true, "\(listed.stderr)")
        #expect(line.first?.contains("frame") == false, "\(listed.stderr)")
        // An HTTP client on the native listener: told where HTTP is, and the broker logs it.
        let socket = try RawSocket(port: broker.nativePort)
        socket.send(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        while recv(socket.fd, &byte, 1, 0) == 1 { answer.append(byte) }
        let text = String(decoding: answer, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 400 Bad Request"), "\(text)")
        #expect(text.contains("http.listener"), "\(text)")
        #expect(broker.stderr.contains("an HTTP client reached the native listener ('GET /metrics HTTP/1.1')"))
    }

    @Test func aSchemeInTheBootstrapAddressIsToldToBeDropped() throws {
        let result = try CLI.run(["topics", "list", "--bootstrap-server", "PLAINTEXT://127.0.0.1:9092"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("drop the scheme 'PLAINTEXT://'"), "\(result.stderr)")
        #expect(result.stderr.contains("'127.0.0.1:9092'"), "\(result.stderr)")
        #expect(!result.stderr.contains("IPv6"), "\(result.stderr)")
    }
}
