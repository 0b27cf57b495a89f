import Foundation
import SluiceTestSupport
import Testing

/// Kafka's classic consumer groups against a real broker, with real clients: confluent-kafka consumers subscribing
/// with a group.id, committing, resuming after the broker restarts, splitting partitions when a second member joins,
/// and taking them back when one leaves or dies; the coordinator's events and metrics say so.
@Suite struct KafkaGroupTests {
    static let overrides = [
        "offsets.topic.num.partitions=3", "group.initial.rebalance.delay.ms=0", "group.min.session.timeout.ms=1000",
        "auto.create.topics.enable=false",
    ]

    /// A consumer process of Tests/kafka-clients/confluent_group_member.py, stopped through its stop file.
    final class Member {
        let process = Process()
        let stopFile: String
        let outputPath: String

        init(
            python: String = KafkaPythonClientTests.venvPython, bootstrap: String, group: String, topic: String,
            max: Int = 1_000_000, commit: Bool = false, sessionTimeoutMs: Int = 6_000, instanceId: String? = nil
        ) throws {
            let directory = try TestTools.makeTemporaryDirectory()
            stopFile = directory + "/stop"
            outputPath = directory + "/out"
            FileManager.default.createFile(atPath: outputPath, contents: nil)
            // The interpreter itself (no `timeout` wrapper, whose death would not kill it): the script bounds its
            // own run at 120 s, and kill9 must reach the consumer to stop its heartbeats.
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [
                KafkaPythonClientTests.root + "/Tests/kafka-clients/confluent_group_member.py",
                bootstrap, group, topic, "\(max)", stopFile, commit ? "1" : "0", "\(sessionTimeoutMs)",
            ] + (instanceId.map { [$0] } ?? [])
            process.standardOutput = FileHandle(forWritingAtPath: outputPath)
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// The JSON lines printed so far.
        var lines: [[String: Any]] {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        /// Asks the consumer to close (it leaves the group) and waits for its summary, bounded.
        func stop() throws -> [String: Any] {
            FileManager.default.createFile(atPath: stopFile, contents: nil)
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill9() }
            return try #require(lines.last { $0["events"] != nil }, "\(lines)")
        }

        func waitForExit(timeout: Duration) -> [String: Any]? {
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            return lines.last { $0["events"] != nil }
        }

        func kill9() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { kill9() }
    }

    /// Polls the broker's stderr until a `group_rebalanced` (or `group_empty`) event matches, bounded.
    static func awaitEvent(
        _ name: String, in broker: BrokerProcess, timeout: Duration = .seconds(30), _ matches: ([String: String]) -> Bool
    ) -> [String: String]? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let event = ClusterHarness.events(name, in: broker).last(where: matches) { return event }
            usleep(50_000)
        }
        return nil
    }

    static func produce(_ values: [String], topic: String, partitions: Int, broker: BrokerProcess) throws {
        let created = try CLI.run(
            ["topics", "create", topic, "--partitions", "\(partitions)", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let produced = try KafkaClientTests.kcat(["-b", broker.bootstrap, "-P", "-t", topic], input: values)
        #expect(produced.status == 0, "\(produced.output)")
    }

    @Test func aGroupCommitsAndResumesWhereItLeftOffAfterTheBrokerRestarts() throws {
        let first = try BrokerProcess(overrides: Self.overrides)
        defer { first.kill9() }
        let values = (1...1_000).map(String.init)
        try Self.produce(values, topic: "resume", partitions: 1, broker: first)
        let reader = try Member(bootstrap: first.bootstrap, group: "billing", topic: "resume", max: 400, commit: true)
        let read = try #require(reader.waitForExit(timeout: .seconds(60)), "\(reader.lines)")
        #expect(read["values"] as? [String] == Array(values[..<400]))
        #expect((read["committed"] as? [[Int]])?.first == [0, 400])
        #expect(Self.awaitEvent("group_empty", in: first) { $0["GROUP"] == "billing" } != nil)
        #expect(first.stop() == 0)
        // A new broker process on the same data: the commit was a record of __consumer_offsets, replayed on load.
        let second = try BrokerProcess(dataDir: first.dataDir, overrides: Self.overrides, nativePort: first.nativePort)
        defer {
            second.stop()
            second.removeData()
        }
        let resumed = try Member(
            python: KafkaPythonClientTests.debianPython, bootstrap: second.bootstrap, group: "billing", topic: "resume", max: 600,
            commit: true)
        let rest = try #require(resumed.waitForExit(timeout: .seconds(60)), "\(resumed.lines)")
        #expect(rest["values"] as? [String] == Array(values[400...]), "no record twice, none skipped")
        #expect((rest["committed"] as? [[Int]])?.first == [0, 1_000])
        let committed = #"sluice_group_committed_offset{group="billing",topic="resume",partition="0"}"#
        #expect(try KafkaClientTests.metric(second, committed) == 1_000)
        // The lag gauge is refreshed every 100 ms by the coordinator.
        let lag = #"sluice_group_lag_records{group="billing",topic="resume",partition="0"}"#
        let lagDeadline = ContinuousClock.now.advanced(by: .seconds(5))
        while try KafkaClientTests.metric(second, lag) != 0, ContinuousClock.now < lagDeadline { usleep(50_000) }
        #expect(try KafkaClientTests.metric(second, lag) == 0)
    }

    @Test func aSecondMemberSplitsThePartitionsAndTheyComeBackWhenItLeaves() throws {
        let broker = try BrokerProcess(overrides: Self.overrides)
        defer {
            broker.stop()
            broker.removeData()
        }
        try Self.produce((1...200).map(String.init), topic: "shared", partitions: 4, broker: broker)
        let first = try Member(bootstrap: broker.bootstrap, group: "workers", topic: "shared")
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "workers" && $0["MEMBERS"] == "1" } != nil)
        let second = try Member(bootstrap: broker.bootstrap, group: "workers", topic: "shared")
        let joined = Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "workers" && $0["MEMBERS"] == "2" }
        #expect(joined?["REASON"] == "member_joined")
        // The second member's share, once it has one.
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while second.lines.first(where: { $0["assigned"] != nil }) == nil, ContinuousClock.now < deadline { usleep(50_000) }
        let secondSummary = try second.stop()
        let left = Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "workers" && $0["REASON"] == "member_left" }
        #expect(left?["MEMBERS"] == "1")
        // The first member gets all four back before it stops.
        let regained = ContinuousClock.now.advanced(by: .seconds(30))
        while (first.lines.compactMap { $0["assigned"] as? [Int] }.last ?? []) != [0, 1, 2, 3] || first.lines.filter({ $0["assigned"] != nil }).count < 3,
            ContinuousClock.now < regained
        {
            usleep(50_000)
        }
        // And reads every record (partitions it did not hold before start again from the earliest: no commits).
        while (first.lines.compactMap { $0["distinct"] as? Int }.last ?? 0) < 200, ContinuousClock.now < regained {
            usleep(50_000)
        }
        let firstSummary = try first.stop()
        let firstAssignments = (firstSummary["events"] as? [[Any]] ?? []).filter { $0[0] as? String == "assign" }
            .compactMap { $0[1] as? [Int] }
        let secondAssignments = (secondSummary["events"] as? [[Any]] ?? []).filter { $0[0] as? String == "assign" }
            .compactMap { $0[1] as? [Int] }
        #expect(firstAssignments.first == [0, 1, 2, 3])
        #expect(firstAssignments.last == [0, 1, 2, 3])
        let split = try #require(firstAssignments.dropFirst().first, "\(firstAssignments)")
        let share = try #require(secondAssignments.first, "\(secondSummary)")
        #expect(split.count == 2 && share.count == 2, "\(split) and \(share)")
        #expect(Set(split).union(share) == [0, 1, 2, 3], "disjoint halves: \(split) and \(share)")
        let consumed = firstSummary["values"] as? [String] ?? []
        #expect(Set(consumed) == Set((1...200).map(String.init)), "the remaining member reads every record")
        #expect(Self.awaitEvent("group_empty", in: broker) { $0["GROUP"] == "workers" } != nil)
    }

    @Test func aMemberThatDiesIsDroppedAfterItsSessionTimeout() throws {
        let broker = try BrokerProcess(overrides: Self.overrides)
        defer {
            broker.stop()
            broker.removeData()
        }
        try Self.produce((1...20).map(String.init), topic: "fragile", partitions: 2, broker: broker)
        let survivor = try Member(bootstrap: broker.bootstrap, group: "fragile-group", topic: "fragile", sessionTimeoutMs: 2_000)
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "fragile-group" && $0["MEMBERS"] == "1" } != nil)
        let victim = try Member(bootstrap: broker.bootstrap, group: "fragile-group", topic: "fragile", sessionTimeoutMs: 2_000)
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "fragile-group" && $0["MEMBERS"] == "2" } != nil)
        victim.kill9()  // no LeaveGroup: only the missing heartbeats tell
        let expired = Self.awaitEvent("group_rebalanced", in: broker) {
            $0["GROUP"] == "fragile-group" && $0["REASON"] == "session_timeout"
        }
        #expect(expired?["MEMBERS"] == "1")
        let timeouts = #"sluice_group_rebalances_total{group="fragile-group",reason="session_timeout"}"#
        #expect(try KafkaClientTests.metric(broker, timeouts) == 1)
        #expect(try KafkaClientTests.metric(broker, #"sluice_group_members{group="fragile-group"}"#) == 1)
        _ = try survivor.stop()
    }

    @Test func theCLIListsDescribesAndResetsAGroup() throws {
        let broker = try BrokerProcess(overrides: Self.overrides)
        defer {
            broker.stop()
            broker.removeData()
        }
        let values = (1...100).map(String.init)
        try Self.produce(values, topic: "ledger", partitions: 1, broker: broker)
        let reader = try Member(bootstrap: broker.bootstrap, group: "auditors", topic: "ledger", max: 30, commit: true)
        #expect(reader.waitForExit(timeout: .seconds(60))?["values"] as? [String] == Array(values[..<30]))
        let offsetsTopic = try CLI.run(["topics", "describe", "__consumer_offsets", "--bootstrap-server", broker.bootstrap])
        #expect(offsetsTopic.stdoutText.contains("PartitionCount: 3\tReplicationFactor: 1"), "\(offsetsTopic.stdoutText)")
        let listed = try CLI.run(["groups", "list", "--bootstrap-server", broker.bootstrap])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdoutText.split(separator: "\n").contains("auditors"), "\(listed.stdoutText)")
        func describe() throws -> [[Substring]] {
            let described = try CLI.run(["groups", "describe", "auditors", "--bootstrap-server", broker.bootstrap])
            #expect(described.status == 0, "\(described.stderr)")
            return described.stdoutText.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.first == "auditors" }
        }
        #expect(try describe() == [["auditors", "ledger", "0", "30", "100", "70", "-", "-", "-"]])
        let dryRun = try CLI.run(
            ["groups", "reset-offsets", "--group", "auditors", "--topic", "ledger", "--to-offset", "10",
             "--bootstrap-server", broker.bootstrap])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stderr.contains("No action will be performed"))
        #expect(try describe().first?[3] == "30", "a dry run commits nothing")
        let reset = try CLI.run(
            ["groups", "reset-offsets", "--group", "auditors", "--topic", "ledger", "--to-offset", "10", "--execute",
             "--bootstrap-server", broker.bootstrap])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(try describe() == [["auditors", "ledger", "0", "10", "100", "90", "-", "-", "-"]])
        // A member resumes from the reset offset; while it is a member, a reset is refused and describe shows it.
        let resumed = try Member(bootstrap: broker.bootstrap, group: "auditors", topic: "ledger", max: 5, commit: true)
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while resumed.process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        #expect(resumed.waitForExit(timeout: .seconds(1))?["values"] as? [String] == Array(values[10..<15]))
        let active = try Member(bootstrap: broker.bootstrap, group: "auditors", topic: "ledger")
        // Generations: 1 and 2 (the first reader joined, left), 3 and 4 (the second), 5 this one.
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "auditors" && $0["GENERATION"] == "5" } != nil)
        let busy = try CLI.run(
            ["groups", "reset-offsets", "--group", "auditors", "--topic", "ledger", "--to-earliest", "--execute",
             "--bootstrap-server", broker.bootstrap])
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("NON_EMPTY_GROUP: assignments can only be reset if the group 'auditors' is inactive"), "\(busy.stderr)")
        let rows = try describe()
        #expect(rows.first?.count == 9)
        #expect(rows.first?[6] != "-", "the active member's id: \(rows)")
        _ = try active.stop()
        let missing = try CLI.run(["groups", "describe", "nobody", "--bootstrap-server", broker.bootstrap])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("GROUP_ID_NOT_FOUND: consumer group 'nobody' does not exist"), "\(missing.stderr)")
    }

    /// `sluice perf consume --group`: two of them started together share one generation, each reading the two
    /// partitions the range assignor gives it; they commit and leave, and the group resumes from the commits.
    @Test func perfConsumeJoinsAGroupSharesItsPartitionsCommitsAndResumes() throws {
        let broker = try BrokerProcess(overrides: Self.overrides.map {
            $0.hasPrefix("group.initial.rebalance.delay.ms") ? "group.initial.rebalance.delay.ms=3000" : $0
        })
        defer {
            broker.stop()
            broker.removeData()
        }
        let values = (1...2_000).map(String.init)
        try Self.produce(values, topic: "perf", partitions: 4, broker: broker)
        let arguments = [
            "perf", "consume", "--topic", "perf", "--messages", "2000", "--group", "duo", "--timeout", "2000",
            "--hide-header", "--bootstrap-server", broker.bootstrap,
        ]
        // Both join within the coordinator's 3 s initial delay, so the first generation has both.
        let first = try CLIProcess(arguments)
        let second = try CLIProcess(arguments)
        #expect(try first.waitForExit(timeout: .seconds(60)) == 0, "\(first.stderr)")
        #expect(try second.waitForExit(timeout: .seconds(60)) == 0, "\(second.stderr)")
        /// data.consumed.in.nMsg of the CSV line.
        func records(_ process: CLIProcess) -> Int? {
            process.stdoutLines.last.flatMap { Int($0.split(separator: ",")[4].trimmingCharacters(in: .whitespaces)) }
        }
        let (firstRecords, secondRecords) = (records(first) ?? -1, records(second) ?? -1)
        #expect(firstRecords + secondRecords == 2_000, "\(first.stdout)\n\(second.stdout)")
        #expect(firstRecords > 0 && secondRecords > 0, "each member read its own partitions")
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "duo" && $0["MEMBERS"] == "2" } != nil)
        #expect(Self.awaitEvent("group_empty", in: broker) { $0["GROUP"] == "duo" } != nil, "both left")
        // Every partition committed at its end: no lag, and a new run resumes there with nothing to read.
        let described = try CLI.run(["groups", "describe", "duo", "--bootstrap-server", broker.bootstrap])
        let rows = described.stdoutText.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.first == "duo" }
        #expect(rows.count == 4, "\(described.stdoutText)")
        #expect(rows.allSatisfy { $0[3] == $0[4] && $0[5] == "0" }, "\(described.stdoutText)")
        let again = try CLI.run(arguments, timeout: .seconds(60))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdoutText.contains("WARNING: Exiting before consuming the expected number of messages"))
        #expect(again.stdoutText.split(separator: "\n").last?.split(separator: ",")[4] == " 0", "\(again.stdoutText)")

        // A librdkafka consumer already in a group: perf consume joins it, the group splits the four partitions,
        // and perf consume reads exactly its two (no commits in that group: from the earliest).
        let kafkaConsumer = try Member(bootstrap: broker.bootstrap, group: "mixed", topic: "perf", sessionTimeoutMs: 10_000)
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "mixed" && $0["MEMBERS"] == "1" } != nil)
        let mixed = try CLIProcess(arguments.map { $0 == "duo" ? "mixed" : $0 })
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "mixed" && $0["MEMBERS"] == "2" } != nil)
        #expect(try mixed.waitForExit(timeout: .seconds(60)) == 0, "\(mixed.stderr)")
        let kafkaShare = try #require(
            kafkaConsumer.lines.compactMap { $0["assigned"] as? [Int] }.first { $0.count == 2 }, "\(kafkaConsumer.lines)")
        _ = try kafkaConsumer.stop()
        let ends = try CLI.run(["topics", "describe", "perf", "--bootstrap-server", broker.bootstrap])
        /// Records in partition `partition`: its log end offset from describe's replica column (LEO).
        func logEnd(_ partition: Int) -> Int {
            let line = ends.stdoutText.split(separator: "\n").first { $0.contains("Partition: \(partition)\t") } ?? ""
            return line.split(separator: "\t").first { $0.hasPrefix("HighWatermark: ") }
                .flatMap { Int($0.dropFirst("HighWatermark: ".count)) } ?? -1
        }
        let expected = (0..<4).filter { !kafkaShare.contains($0) }.map(logEnd).reduce(0, +)
        #expect(records(mixed) == expected, "perf consume read its own two partitions: \(mixed.stdout) \(ends.stdoutText)")
    }

    @Test func aStaticMemberRestartedFencesItsOldIncarnationWithoutWaitingForItsSession() throws {
        let broker = try BrokerProcess(overrides: Self.overrides)
        defer {
            broker.stop()
            broker.removeData()
        }
        try Self.produce((1...10).map(String.init), topic: "static", partitions: 2, broker: broker)
        // A 60 s session: were the old incarnation kept until it expired, the test's bounds would run out first.
        let old = try Member(bootstrap: broker.bootstrap, group: "statics", topic: "static", sessionTimeoutMs: 60_000, instanceId: "worker-1")
        #expect(Self.awaitEvent("group_rebalanced", in: broker) { $0["GROUP"] == "statics" && $0["GENERATION"] == "1" } != nil)
        old.kill9()
        let new = try Member(bootstrap: broker.bootstrap, group: "statics", topic: "static", sessionTimeoutMs: 60_000, instanceId: "worker-1")
        let rejoined = Self.awaitEvent("group_rebalanced", in: broker, timeout: .seconds(20)) {
            $0["GROUP"] == "statics" && $0["GENERATION"] == "2"
        }
        #expect(rejoined?["MEMBERS"] == "1", "the new incarnation replaced the old one")
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while new.lines.first(where: { $0["assigned"] != nil }) == nil, ContinuousClock.now < deadline { usleep(50_000) }
        #expect(new.lines.compactMap { $0["assigned"] as? [Int] }.first == [0, 1])
        _ = try new.stop()
    }
}
