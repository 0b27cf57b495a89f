import Foundation
import SluiceWire
import Testing

/// Issue 10's cluster, for real: etcd started by the test, three `sluiced` processes, the `sluice` CLI.
/// Timings are the fast ones of testing.md (1 s lease, replica.lag.time.max.ms=1000); every wait is a
/// condition polled with a deadline.
@Suite(.serialized)
struct ClusterTests {
    /// The one broker that reports itself controller on /metrics, with its epoch.
    private func controller(_ cluster: ClusterHarness) throws -> (id: Int32, epoch: Double)? {
        var found: [(Int32, Double)] = []
        for (id, broker) in cluster.brokers where broker.isRunning {
            let text = try cluster.metrics(id)
            if ProducerTestSupport.value(of: "sluice_controller_active", in: text) == 1 {
                found.append((id, ProducerTestSupport.value(of: "sluice_controller_epoch", in: text) ?? 0))
            }
        }
        return found.count == 1 ? found[0] : nil
    }

    @Test func exactlyOneControllerAndAKilledOneIsReplacedAtAHigherEpoch() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        var first: (id: Int32, epoch: Double)?
        #expect(try ProducerTestSupport.eventually { first = try controller(cluster); return first != nil })
        let old = try #require(first)
        cluster[old.id].kill9()
        var second: (id: Int32, epoch: Double)?
        #expect(try ProducerTestSupport.eventually(timeout: .seconds(15)) {
            second = try controller(cluster)
            return second != nil
        })
        let new = try #require(second)
        #expect(new.id != old.id)
        #expect(new.epoch > old.epoch)
        let elected = cluster.events("controller_elected").first { $0["BROKER_ID"] == String(new.id) }
        #expect(elected?["PREVIOUS_CONTROLLER"] == String(old.id))
        #expect(cluster.awaitEvent("broker_lost") { $0["BROKER_ID"] == String(old.id) } != nil, "the new controller reports it")
    }

    @Test func aPausedControllerThatWakesUpIsFencedAndStepsDown() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        var first: (id: Int32, epoch: Double)?
        #expect(try ProducerTestSupport.eventually { first = try controller(cluster); return first != nil })
        let old = try #require(first)
        cluster[old.id].pause()
        let successor = cluster.awaitEvent("controller_elected") { $0["BROKER_ID"] != String(old.id) }
        #expect(successor != nil, "another broker wins while the old controller is paused")
        cluster[old.id].resume()
        // Its lease is gone: it gives up the office (never acting on the old epoch) and rejoins.
        let resigned = cluster.awaitEvent("controller_resigned") { $0["BROKER_ID"] == String(old.id) }
        #expect(resigned != nil)
        #expect(try ProducerTestSupport.eventually(timeout: .seconds(15)) {
            try controller(cluster).map { $0.id != old.id } ?? false
        })
        #expect(cluster.awaitEvent("broker_session_lost") { $0["BROKER_ID"] == String(old.id) } != nil)
    }

    /// kill -9 of a leader while an idempotent acks=all producer runs: the first live ISR member in assignment
    /// order leads at a higher epoch, and every record is acknowledged once and read once.
    @Test func leaderFailoverLosesAndDuplicatesNothingWithAcksAllAndIdempotence() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("orders", configs: ["min.insync.replicas=2"])
        let before = try #require(await cluster.partitions("orders").first)
        let producer = try CLIProcess(
            [
                "produce", "--topic", "orders", "--acks", "all", "--report-acks", "--producer-property",
                "delivery.timeout.ms=60000", "--bootstrap-server", cluster.bootstrap,
            ], feedsStandardInput: true)
        let total = 3000
        for chunk in 0..<30 {
            producer.write((0..<100).map { "v\(chunk * 100 + $0)\n" }.joined())
            if chunk == 10 {
                try producer.waitFor("acknowledgements") { $0.stdoutLines.count >= 500 }
                cluster[before.leader].kill9()
            }
            usleep(20_000)  // pacing the input so records are in flight across the kill
        }
        producer.closeStandardInput()
        #expect(try producer.waitForExit(timeout: .seconds(90)) == 0, "\(producer.stderr)")
        let acknowledged = producer.stdoutLines.filter { $0.contains("producer_send_success") }
        #expect(acknowledged.count == total)
        let after = try #require(await cluster.awaitPartition("orders") { $0.leader != before.leader && $0.leader >= 0 })
        let expectedLeader = before.replicas.first { $0 != before.leader && before.isr.contains($0) }
        #expect(after.leader == expectedLeader)
        #expect(after.leaderEpoch > before.leaderEpoch)
        let consumed = try cluster.cli([
            "consume", "--topic", "orders", "--from-beginning", "--max-messages", "\(total)", "--timeout-ms", "10000",
        ])
        let values = consumed.stdoutText.split(separator: "\n").map(String.init)
        #expect(values.count == total)
        #expect(Set(values).count == total, "no duplicate")
        #expect(Set(values) == Set((0..<total).map { "v\($0)" }), "no loss")
    }

    @Test func aPausedFollowerLeavesTheISRAndRejoinsAfterCatchingUp() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("isr")
        let state = try #require(await cluster.partitions("isr").first)
        let follower = try #require(state.replicas.first { $0 != state.leader })
        cluster[follower].pause()
        let shrink = cluster.awaitEvent("isr_shrink") { $0["TOPIC"] == "isr" && $0["REPLICA"] == String(follower) }
        #expect(shrink != nil)
        #expect(Int(shrink?["LAG_MS"] ?? "0")! >= 500, "it was behind for about the lease or the lag time")
        let leaderMetrics = try cluster.metrics(state.leader)
        #expect(ProducerTestSupport.value(of: #"sluice_broker_isr_shrinks_total{topic="isr",partition="0"}"#, in: leaderMetrics) == 1)
        // Records written while it is away are caught up after SIGCONT; then it is in sync again.
        let produced = try cluster.cli(["produce", "--topic", "isr", "--acks", "all"], stdin: Data("a\nb\nc\n".utf8))
        #expect(produced.status == 0, "\(produced.stderr)")
        let lag = #"sluice_partition_follower_lag_records{topic="isr",partition="0",replica="\#(follower)"}"#
        let isrSize = #"sluice_partition_isr_size{topic="isr",partition="0"}"#
        #expect(try ProducerTestSupport.eventually {
            let text = try cluster.metrics(state.leader)
            return ProducerTestSupport.value(of: lag, in: text) == 3
                && ProducerTestSupport.value(of: isrSize, in: text) == 2
                && ProducerTestSupport.value(of: "sluice_broker_under_replicated_partitions", in: text) == 1
        }, "the leader shows the paused follower 3 records behind and the partition under-replicated")
        cluster[follower].resume()
        #expect(cluster.awaitEvent("isr_expand") { $0["TOPIC"] == "isr" && $0["REPLICA"] == String(follower) } != nil)
        #expect(await cluster.awaitPartition("isr") { $0.isr.count == 3 } != nil)
        #expect(try ProducerTestSupport.eventually {
            let text = try cluster.metrics(state.leader)
            return ProducerTestSupport.value(of: lag, in: text) == 0
                && ProducerTestSupport.value(of: isrSize, in: text) == 3
                && ProducerTestSupport.value(of: "sluice_broker_under_replicated_partitions", in: text) == 0
                && ProducerTestSupport.value(of: #"sluice_broker_isr_expands_total{topic="isr",partition="0"}"#, in: text) == 1
        }, "caught up, in sync, counted")
        // Its lease ran out while it was paused: it registers again (verify-replicas reads registered brokers).
        #expect(try ProducerTestSupport.eventually(timeout: .seconds(20)) {
            try cluster.cli(["cluster", "describe"]).stdoutText.contains("Brokers: 3")
        }, "the resumed follower is registered again")
        let verified = try cluster.cli(["cluster", "verify-replicas", "--topic", "isr"])
        #expect(verified.status == 0, "\(verified.stdoutText)\(verified.stderr)")
    }

    /// The seed's scenario: acks=1, the followers paused out of the ISR, records the leader acknowledged alone,
    /// the leader killed, an unclean election: the old leader rejoins, truncates exactly those records, and
    /// says how many of them it had acknowledged.
    @Test func acksOneLosesExactlyTheAcknowledgedUnreplicatedRecordsAndCountsThem() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("seed", configs: ["unclean.leader.election.enable=true", "min.insync.replicas=1"])
        let first = try cluster.cli(["produce", "--topic", "seed", "--acks", "1"], stdin: Data("kept\n".utf8))
        #expect(first.status == 0, "\(first.stderr)")
        let state = try #require(await cluster.awaitPartition("seed") { $0.leader >= 0 })
        let followers = state.replicas.filter { $0 != state.leader }
        // Both followers hold the first record before they are paused.
        for follower in followers {
            #expect(try ProducerTestSupport.eventually {
                ProducerTestSupport.value(
                    of: #"sluice_partition_high_watermark{topic="seed",partition="0"}"#, in: try cluster.metrics(follower)) == 1
            })
            cluster[follower].pause()
        }
        #expect(cluster.awaitEvent("isr_shrink") { $0["TOPIC"] == "seed" && $0["ISR_AFTER"] == String(state.leader) } != nil)
        let lost = 25
        let acked = try CLI.run(
            ["produce", "--topic", "seed", "--acks", "1", "--report-acks", "--bootstrap-server",
             "127.0.0.1:\(cluster[state.leader].nativePort)"],
            stdin: Data((0..<lost).map { "lost-\($0)\n" }.joined().utf8))
        #expect(acked.status == 0, "\(acked.stderr)")
        #expect(acked.stdoutText.split(separator: "\n").count(where: { $0.contains("producer_send_success") }) == lost)
        cluster[state.leader].kill9()
        for follower in followers { cluster[follower].resume() }
        let elected = try #require(await cluster.awaitPartition("seed") { $0.leader >= 0 && $0.leader != state.leader })
        #expect(cluster.awaitEvent("leader_elected") { $0["TOPIC"] == "seed" && $0["ELECTION"] == "unclean" } != nil)
        try cluster.start(state.leader)
        let truncated = cluster.awaitEvent("log_truncated") { $0["TOPIC"] == "seed" }
        #expect(truncated?["RECORDS"] == String(lost))
        #expect(truncated?["ACKED_RECORDS"] == String(lost))
        #expect(truncated?["PRIORITY_WORD"] == "err", "acknowledged data lost is an error")
        let metrics = try cluster.metrics(state.leader)
        #expect(ProducerTestSupport.value(of: #"sluice_log_truncated_acked_records_total{topic="seed",partition="0"}"#, in: metrics) == Double(lost))
        #expect(await cluster.awaitPartition("seed") { $0.isr.count == 3 } != nil)
        let verified = try cluster.cli(["cluster", "verify-replicas", "--topic", "seed"])
        #expect(verified.status == 0, "\(verified.stdoutText)\(verified.stderr)")
        #expect(elected.leaderEpoch > state.leaderEpoch)
    }

    @Test func belowMinISRAcksAllIsRefusedAndAcksOneStillWorks() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("minisr", configs: ["min.insync.replicas=2"])
        let state = try #require(await cluster.partitions("minisr").first)
        for follower in state.replicas where follower != state.leader { cluster[follower].kill9() }
        #expect(cluster.awaitEvent("under_min_isr") { $0["TOPIC"] == "minisr" } != nil)
        let refused = try cluster.cli(
            ["produce", "--topic", "minisr", "--acks", "all", "--producer-property", "delivery.timeout.ms=3000",
             "--request-timeout-ms", "1000"], stdin: Data("x\n".utf8))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("NOT_ENOUGH_REPLICAS"), "\(refused.stderr)")
        let accepted = try cluster.cli(["produce", "--topic", "minisr", "--acks", "1"], stdin: Data("y\n".utf8))
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    @Test func sigtermMovesLeadershipAwayBeforeTheBrokerExits() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("calm", partitions: 3)
        let leaders = await cluster.partitions("calm").map(\.leader)
        let leaving = try #require(leaders.first)
        #expect(cluster[leaving].stop() == 0)
        let moved = cluster.events("leader_elected").filter { $0["TOPIC"] == "calm" && $0["PREVIOUS_LEADER"] == String(leaving) }
        #expect(moved.count == leaders.count(where: { $0 == leaving }))
        #expect(moved.allSatisfy { $0["ELECTION"] == "controlled" })
        let after = await cluster.partitions("calm")
        #expect(after.allSatisfy { $0.leader != leaving && $0.leader >= 0 })
        let produced = try cluster.cli(["produce", "--topic", "calm", "--acks", "all"], stdin: Data("z\n".utf8))
        #expect(produced.status == 0, "\(produced.stderr)")
    }

    @Test func leadersStopAcceptingWritesWhileEtcdIsGoneAndTheClusterRecovers() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("outage")
        let state = try #require(await cluster.partitions("outage").first)
        cluster.etcd.stop()
        #expect(cluster.awaitEvent("broker_session_lost") { $0["BROKER_ID"] == String(state.leader) } != nil)
        #expect(cluster.events("metadata_store_unavailable").isEmpty == false)
        let refused = try CLI.run(
            ["produce", "--topic", "outage", "--acks", "1", "--producer-property", "delivery.timeout.ms=2000",
             "--request-timeout-ms", "1000", "--bootstrap-server", "127.0.0.1:\(cluster[state.leader].nativePort)"],
            stdin: Data("nope\n".utf8))
        #expect(refused.status == 1, "a leader whose lease ran out must not accept writes")
        try await cluster.etcd.start()
        #expect(try ProducerTestSupport.eventually(timeout: .seconds(30)) {
            try cluster.cli(["produce", "--topic", "outage", "--acks", "all"], stdin: Data("back\n".utf8)).status == 0
        })
    }
}

/// The seed's duplication scenario: acks=all, the leader replicates a batch and dies before answering
/// (`SLUICED_TEST_CRASH_AFTER_REPLICATION`); the producer retries on the new leader.
@Suite(.serialized)
struct ClusterDuplicationTests {
    /// Produces 3 records (one batch) to `dup` with `idempotence`, its leader crashing after replicating the
    /// first acks=all request, and returns what a consumer reads.
    private func produceThroughACrash(idempotence: Bool) async throws -> [String] {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("dup", configs: ["min.insync.replicas=2"])
        let state = try #require(await cluster.partitions("dup").first)
        // Only the leader crashes: it is restarted with the fault armed.
        cluster[state.leader].kill9()
        #expect(await cluster.awaitPartition("dup") { $0.leader >= 0 && $0.leader != state.leader } != nil)
        try cluster.start(state.leader, environment: ["SLUICED_TEST_CRASH_AFTER_REPLICATION": "1"])
        #expect(await cluster.awaitPartition("dup") { $0.isr.count == 3 } != nil)
        let elect = try cluster.cli(["cluster", "elect-preferred", "--topic", "dup"])
        #expect(elect.status == 0, "\(elect.stderr)")
        let leading = await cluster.awaitPartition("dup") { $0.leader == state.leader }
        #expect(leading != nil, "the armed broker leads again")
        let produced = try cluster.cli(
            ["produce", "--topic", "dup", "--acks", "all", "--producer-property", "enable.idempotence=\(idempotence)",
             "--producer-property", "retries=10", "--producer-property", "delivery.timeout.ms=30000",
             "--request-timeout-ms", "5000"],
            stdin: Data("a\nb\nc\n".utf8))
        #expect(produced.status == 0, "\(produced.stderr)")
        #expect(cluster[state.leader].stderr.contains("SLUICED_TEST_CRASH_AFTER_REPLICATION: killing myself"))
        let consumed = try cluster.cli([
            "consume", "--topic", "dup", "--from-beginning", "--timeout-ms", "3000", "--max-messages", "6",
        ])
        return consumed.stdoutText.split(separator: "\n").map(String.init)
    }

    @Test func withoutIdempotenceTheRetryIsAppendedAgain() async throws {
        #expect(try await produceThroughACrash(idempotence: false) == ["a", "b", "c", "a", "b", "c"])
    }

    @Test func withIdempotenceTheNewLeaderAnswersTheRetryAsADuplicate() async throws {
        #expect(try await produceThroughACrash(idempotence: true) == ["a", "b", "c"])
    }
}

/// KIP-101's "HW truncation, then immediate election" and KIP-279's "diverging logs after repeated unclean
/// elections", replayed with processes; verify-replicas proves every replica identical below the HW afterwards.
@Suite(.serialized)
struct ClusterDivergenceTests {
    private static let logEndOffset = #"sluice_partition_log_end_offset{topic="kip101",partition="0"}"#
    private static let highWatermark = #"sluice_partition_high_watermark{topic="kip101",partition="0"}"#

    /// KIP-101 scenario A's starting point (KAFKA-1211): `kip101` with RF 2 and min ISR 2, m1 and m2 acknowledged
    /// with acks=all, and the follower holding m2 but not yet the HW that covers it. That HW travels in the
    /// follower's next fetch response, which the leader holds back for `replica.fetch.wait.max.ms` (20 s here)
    /// while nothing new is written. Returns the cluster, the partition's state, and the follower.
    private func followerWithAStaleHighWatermark(
        topicConfigs: [String] = []
    ) async throws -> (ClusterHarness, PartitionMetadata, follower: Int32) {
        let cluster = try await ClusterHarness(overrides: ["replica.fetch.wait.max.ms=20000", "replica.lag.time.max.ms=60000"])
        try await cluster.createTopic("kip101", replicationFactor: 2, configs: ["min.insync.replicas=2"] + topicConfigs)
        let start = try #require(await cluster.awaitPartition("kip101") { $0.leader >= 0 && $0.isr.count == 2 })
        let follower = try #require(start.replicas.first { $0 != start.leader })
        for value in ["m1", "m2"] {
            let produced = try cluster.cli(["produce", "--topic", "kip101", "--acks", "all"], stdin: Data("\(value)\n".utf8))
            #expect(produced.status == 0, "acks=all: both replicas hold \(value) when it is acknowledged. \(produced.stderr)")
        }
        let metrics = try cluster.metrics(follower)
        #expect(ProducerTestSupport.value(of: Self.logEndOffset, in: metrics) == 2)
        #expect(ProducerTestSupport.value(of: Self.highWatermark, in: metrics) == 1, "the HW covering m2 has not reached it")
        return (cluster, start, follower)
    }

    /// What every variant ends with: the new leader serves both acknowledged records, the old leader rejoins
    /// without losing anything, the replicas agree, and no broker truncated a record.
    private func expectNothingLost(_ cluster: ClusterHarness, oldLeader: Int32) async throws {
        let consumed = try cluster.cli([
            "consume", "--topic", "kip101", "--from-beginning", "--max-messages", "2", "--timeout-ms", "10000",
        ])
        #expect(consumed.stdoutText.split(separator: "\n").map(String.init) == ["m1", "m2"], "acknowledged m2 is not lost")
        #expect(await cluster.awaitPartition("kip101") { $0.isr.count == 2 } != nil, "broker \(oldLeader) rejoins")
        let verified = try cluster.cli(["cluster", "verify-replicas", "--topic", "kip101"])
        #expect(verified.status == 0, "\(verified.stdoutText)\(verified.stderr)")
        #expect(verified.stdoutText.contains("hold the same"))
        #expect(cluster.events("log_truncated").filter { $0["TOPIC"] == "kip101" }.isEmpty, "nothing was truncated")
    }

    /// KIP-101 scenario A: the follower with a stale HW restarts, rejoins the ISR (its lease ran out, so the
    /// controller had removed it), and the leader dies at once: it is elected cleanly. Truncating to its stale HW
    /// on the way back (pre-KIP-101 Kafka) loses nothing here only because the record is fetched again, and it
    /// shows as a `log_truncated`; truncating by leader epoch keeps m2 where it is.
    @Test func hwTruncationFollowedByImmediateElectionLosesNothingAcknowledged() async throws {
        let (cluster, start, follower) = try await followerWithAStaleHighWatermark()
        defer { cluster.shutdown() }
        cluster[follower].kill9()
        try cluster.start(follower)
        #expect(await cluster.awaitPartition("kip101") { $0.isr.count == 2 } != nil)
        let restarted = try cluster.metrics(follower)
        #expect(ProducerTestSupport.value(of: Self.logEndOffset, in: restarted) == 2, "m2 survives the restart")
        #expect(try #require(ProducerTestSupport.value(of: Self.highWatermark, in: restarted)) < 2, "still the stale HW")

        cluster[start.leader].kill9()
        let elected = try #require(await cluster.awaitPartition("kip101") { $0.leader == follower })
        #expect(elected.leaderEpoch > start.leaderEpoch)
        let election = cluster.awaitEvent("leader_elected") { $0["TOPIC"] == "kip101" && $0["LEADER"] == String(follower) }
        #expect(election?["ELECTION"] == "clean")
        try cluster.start(start.leader)
        try await expectNothingLost(cluster, oldLeader: start.leader)
    }

    /// The same, with no chance to ask the leader anything: once the killed follower is out of the ISR, the leader
    /// is paused and the follower restarts, knowing only its own log and its stale HW. When the paused leader's
    /// lease runs out the follower is elected (unclean: it had left the ISR). A follower that truncated to its HW
    /// before hearing from a leader would lose the acknowledged m2 for good here.
    @Test func aFollowerRestartedWhileTheLeaderIsUnreachableKeepsItsTailAndServesItWhenElected() async throws {
        let (cluster, start, follower) = try await followerWithAStaleHighWatermark(
            topicConfigs: ["unclean.leader.election.enable=true"])
        defer { cluster.shutdown() }
        cluster[follower].kill9()
        // Its lease runs out first and the controller takes it out of the ISR: the order is fixed from here on.
        #expect(await cluster.awaitPartition("kip101") { $0.isr == [start.leader] } != nil)
        cluster[start.leader].pause()
        try cluster.start(follower)
        let elected = try #require(await cluster.awaitPartition("kip101") { $0.leader == follower })
        #expect(elected.leaderEpoch > start.leaderEpoch)
        let election = cluster.awaitEvent("leader_elected") { $0["TOPIC"] == "kip101" && $0["LEADER"] == String(follower) }
        #expect(election?["ELECTION"] == "unclean")
        #expect(ProducerTestSupport.value(of: Self.logEndOffset, in: try cluster.metrics(follower)) == 2)
        cluster[start.leader].resume()
        try await expectNothingLost(cluster, oldLeader: start.leader)
    }

    private func produce(_ cluster: ClusterHarness, _ values: [String], to bootstrap: String? = nil) throws {
        let result = try CLI.run(
            ["produce", "--topic", "kip279", "--acks", "1", "--bootstrap-server", bootstrap ?? cluster.liveBootstrap],
            stdin: Data((values.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func repeatedUncleanElectionsLeaveNoDivergedReplicas() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.shutdown() }
        try await cluster.createTopic("kip279", configs: ["unclean.leader.election.enable=true", "min.insync.replicas=1"])
        try produce(cluster, ["m0"])
        let start = try #require(await cluster.awaitPartition("kip279") { $0.leader >= 0 })
        let first = start.leader
        let others = start.replicas.filter { $0 != first }
        for id in others {
            #expect(try ProducerTestSupport.eventually {
                ProducerTestSupport.value(
                    of: #"sluice_partition_log_end_offset{topic="kip279",partition="0"}"#, in: try cluster.metrics(id)) == 1
            })
            cluster[id].pause()
        }
        #expect(cluster.awaitEvent("isr_shrink") { $0["TOPIC"] == "kip279" && $0["ISR_AFTER"] == String(first) } != nil)
        // Epoch 0 goes on on the first leader alone.
        try produce(cluster, (1...5).map { "m1-\($0)" }, to: "127.0.0.1:\(cluster[first].nativePort)")
        cluster[first].kill9()
        for id in others { cluster[id].resume() }
        let second = try #require(await cluster.awaitPartition("kip279") { $0.leader >= 0 && $0.leader != first })
        // Epoch 1 writes another suffix at the same offsets.
        try produce(cluster, (1...7).map { "m2-\($0)" })
        #expect(await cluster.awaitPartition("kip279") { $0.isr.count == 2 } != nil)
        for id in others { cluster[id].kill9() }
        // The first leader comes back alone and leads again (unclean) with its own old suffix.
        try cluster.start(first)
        let third = try #require(await cluster.awaitPartition("kip279") { $0.leader == first })
        #expect(third.leaderEpoch > second.leaderEpoch)
        try produce(cluster, (1...3).map { "m3-\($0)" })
        for id in others { try cluster.start(id) }
        #expect(await cluster.awaitPartition("kip279") { $0.isr.count == 3 } != nil)
        let truncations = cluster.events("log_truncated").filter { $0["TOPIC"] == "kip279" }
        #expect(truncations.map { $0["RECORDS"] }.contains("7"), "the epoch-1 suffix was truncated: \(truncations)")
        let verified = try cluster.cli(["cluster", "verify-replicas", "--topic", "kip279"])
        #expect(verified.status == 0, "\(verified.stdoutText)\(verified.stderr)")
        #expect(verified.stdoutText.contains("hold the same"))
        let consumed = try cluster.cli([
            "consume", "--topic", "kip279", "--from-beginning", "--max-messages", "9", "--timeout-ms", "5000",
        ])
        #expect(consumed.stdoutText.split(separator: "\n").map(String.init)
            == ["m0"] + (1...5).map { "m1-\($0)" } + (1...3).map { "m3-\($0)" })
    }
}
