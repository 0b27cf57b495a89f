import Foundation
import SluiceClient
import SluiceTestSupport
import Testing

/// Kafka's clients against a real 3-broker cluster on a real etcd: an idempotent librdkafka producer across a
/// leader's SIGKILL, and a consumer group whose coordinator is SIGKILLed between two members' runs.
@Suite struct KafkaClusterClientTests {
    @Test func anIdempotentLibrdkafkaProducerLosesAndDuplicatesNothingAcrossALeaderKill() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("orders", configs: ["min.insync.replicas=2"])
        let leader = try #require(await cluster.awaitPartition("orders") { $0.leader > 0 }).leader
        let output = try TestTools.makeTemporaryDirectory() + "/out"
        FileManager.default.createFile(atPath: output, contents: nil)
        let producer = Process()
        producer.executableURL = URL(fileURLWithPath: KafkaPythonClientTests.venvPython)
        producer.arguments = [
            KafkaPythonClientTests.root + "/Tests/kafka-clients/confluent_producer_run.py", cluster.bootstrap,
            "orders", "20000",
        ]
        producer.standardOutput = FileHandle(forWritingAtPath: output)
        producer.standardError = FileHandle.nullDevice
        try producer.run()
        defer { if producer.isRunning { kill(producer.processIdentifier, SIGKILL) } }
        func lines() -> [[String: Any]] {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        // Kill the leader once a quarter of the records are acknowledged: the rest cross the election.
        let midRun = ContinuousClock.now.advanced(by: .seconds(60))
        while (lines().compactMap { $0["delivered"] as? Int }.last ?? 0) < 5_000, ContinuousClock.now < midRun {
            usleep(10_000)
        }
        let deliveredBeforeKill = lines().compactMap { $0["delivered"] as? Int }.last ?? 0
        #expect(deliveredBeforeKill >= 5_000 && deliveredBeforeKill < 20_000, "killed mid-run: \(deliveredBeforeKill)")
        cluster[leader].kill9()
        let finished = ContinuousClock.now.advanced(by: .seconds(120))
        while producer.isRunning, ContinuousClock.now < finished { usleep(50_000) }
        let summary = try #require(lines().last { $0["done"] != nil }, "\(lines().suffix(3))")
        #expect(summary["undelivered"] as? Int == 0)
        #expect(summary["error_count"] as? Int == 0, "\(summary["errors"] ?? "")")
        let delivered = summary["delivered_values"] as? [String] ?? []
        #expect(Set(delivered) == Set((0..<20_000).map { "v-\($0)" }), "every record acknowledged")
        #expect(summary["delivered_offsets"] as? [Int] == Array(0..<20_000), "each at its own offset, no gap")
        // What the log holds, read by kcat from the new leader: each value once, in the order acknowledged.
        let consumed = try KafkaClientTests.kcat(
            ["-b", cluster.liveBootstrap, "-C", "-q", "-t", "orders", "-p", "0", "-o", "beginning", "-e"])
        let stored = KafkaClientTests.consumed(consumed)
        KafkaClientTests.expectLines(stored, delivered, "the log after the election:")
        #expect(Set(stored).count == stored.count, "no duplicate")
    }

    @Test func committedOffsetsSurviveACoordinatorFailover() async throws {
        let cluster = try await ClusterHarness(overrides: KafkaGroupTests.overrides)
        defer { cluster.shutdown() }
        try await cluster.createTopic("events")
        let values = (1...1_000).map(String.init)
        let produced = try KafkaClientTests.kcat(["-b", cluster.bootstrap, "-P", "-t", "events", "-X", "acks=all"], input: values)
        #expect(produced.status == 0, "\(produced.output)")
        let first = try KafkaGroupTests.Member(
            bootstrap: cluster.bootstrap, group: "ledger", topic: "events", max: 400, commit: true)
        let read = try #require(
            first.waitForExit(timeout: .seconds(60)),
            "\(first.lines) \((1...3).map { cluster[Int32($0)].stderr.split(separator: "\n").filter { $0.contains("warning") || $0.contains("consumer_offsets") || $0.contains("error") }.suffix(8) })")
        #expect(read["values"] as? [String] == Array(values[..<400]))
        // The coordinator: the leader of the group's __consumer_offsets partition (3 partitions, RF 3).
        let partition = Int32(("ledger".utf16.reduce(Int32(0)) { $0 &* 31 &+ Int32($1) }).magnitude % 3)
        let coordinator = try #require(
            await cluster.awaitPartition("__consumer_offsets", partition) { $0.leader > 0 && $0.isr.count == 3 }
        ).leader
        cluster[coordinator].kill9()
        #expect(await cluster.awaitPartition("__consumer_offsets", partition) { $0.leader > 0 && $0.leader != coordinator } != nil)
        let second = try KafkaGroupTests.Member(
            python: KafkaPythonClientTests.debianPython, bootstrap: cluster.liveBootstrap, group: "ledger",
            topic: "events", max: 600, commit: true)
        let rest = try #require(second.waitForExit(timeout: .seconds(90)), "\(second.lines)")
        #expect(rest["values"] as? [String] == Array(values[400...]), "resumed at the commit the new coordinator replayed")
        #expect((rest["committed"] as? [[Int]])?.first == [0, 1_000])
    }

    /// A librdkafka consumer in a group, reading with a commit per record, while the leader of its partition is
    /// SIGKILLed: it finds the new leader (metadata, then OffsetForLeaderEpoch against the new epoch) and reads on,
    /// every record once and in order, including those produced to the new leader.
    @Test func aGroupConsumerFollowsALeaderKillAndReadsEveryRecordOnce() async throws {
        let cluster = try await ClusterHarness(overrides: KafkaGroupTests.overrides)
        defer { cluster.shutdown() }
        try await cluster.createTopic("events", configs: ["min.insync.replicas=2"])
        let values = (1...1_000).map(String.init)
        let before = try KafkaClientTests.kcat(
            ["-b", cluster.bootstrap, "-P", "-t", "events", "-X", "acks=all"], input: Array(values[..<500]))
        #expect(before.status == 0, "\(before.output)")
        let leader = try #require(await cluster.awaitPartition("events") { $0.leader > 0 && $0.isr.count == 3 })
        // A group whose coordinator is another broker: this test is about the data partition's leader (the
        // coordinator's failover is the test above), and a synchronous commit during one would fail the script.
        let described = try CLI.run(["groups", "describe", "nobody", "--bootstrap-server", cluster.bootstrap])
        #expect(described.stderr.contains("GROUP_ID_NOT_FOUND"), "creates __consumer_offsets: \(described.stderr)")
        var group = ""
        for candidate in (0..<20).map({ "follower-\($0)" }) {
            let partition = Int32(("\(candidate)".utf16.reduce(Int32(0)) { $0 &* 31 &+ Int32($1) }).magnitude % 3)
            let offsetsLeader = await cluster.awaitPartition("__consumer_offsets", partition) { $0.leader > 0 }
            if let offsetsLeader, offsetsLeader.leader != leader.leader {
                group = candidate
                break
            }
        }
        #expect(!group.isEmpty)
        let reader = try KafkaGroupTests.Member(
            bootstrap: cluster.bootstrap, group: group, topic: "events", max: 1_000, commit: true)
        let halfway = ContinuousClock.now.advanced(by: .seconds(60))
        while (reader.lines.compactMap { $0["distinct"] as? Int }.last ?? 0) < 500, ContinuousClock.now < halfway {
            usleep(20_000)
        }
        #expect(reader.lines.compactMap { $0["distinct"] as? Int }.last == 500, "read the first half: \(reader.lines.suffix(2))")
        cluster[leader.leader].kill9()
        let elected = await cluster.awaitPartition("events") { $0.leader > 0 && $0.leader != leader.leader }
        #expect((elected?.leaderEpoch ?? 0) > leader.leaderEpoch)
        let after = try KafkaClientTests.kcat(
            ["-b", cluster.liveBootstrap, "-P", "-t", "events", "-X", "acks=all"], input: Array(values[500...]))
        #expect(after.status == 0, "\(after.output)")
        let read = try #require(reader.waitForExit(timeout: .seconds(90)), "\(reader.lines.suffix(3))")
        #expect(read["values"] as? [String] == values, "every record once, in order, across the election")
        #expect((read["committed"] as? [[Int]])?.first == [0, 1_000])
    }

    @Test func aBrokerThatIsNotTheControllerAutoCreatesThroughTheController() async throws {
        let cluster = try await ClusterHarness(overrides: ["auto.create.topics.enable=true"])
        defer { cluster.shutdown() }
        let client = try SluiceClient(bootstrapServers: [cluster.liveBootstrap], clientId: "cluster-test")
        let controller = try await client.describeCluster().controllerId
        try await client.close()
        let other: Int32 = controller == 1 ? 2 : 1
        // Only a non-controller broker is named: the creation has to be forwarded.
        let produced = try KafkaClientTests.kcat(
            ["-b", cluster[other].bootstrap, "-P", "-t", "forwarded", "-X", "acks=all"], input: ["a", "b", "c"])
        #expect(produced.status == 0, "\(produced.output)")
        let partition = await cluster.awaitPartition("forwarded") { $0.leader > 0 && $0.isr.count == 3 }
        #expect(partition?.replicas.count == 3, "default.replication.factor of the cluster")
        let consumed = try KafkaClientTests.kcat(["-b", cluster.liveBootstrap, "-C", "-q", "-t", "forwarded", "-o", "beginning", "-e"])
        #expect(KafkaClientTests.consumed(consumed) == ["a", "b", "c"])
    }
}
