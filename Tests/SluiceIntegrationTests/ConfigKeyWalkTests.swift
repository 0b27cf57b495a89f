import Foundation
import NIOCore
import SluiceWire
import Testing

/// The walk of the whole broker key table (issue 8): every key `sluiced --help-config` lists has an observable
/// effect on a real `sluiced`, or is refused (exit 78 naming it), or — where it means nothing on a single
/// broker — is accepted with a warning naming it. `everyKeyOfTheTableIsWalked` fails when a key is added
/// without a probe here.
@Suite(.serialized)
struct ConfigKeyWalkTests {
    /// Each key, and the test that shows what it does.
    static let probes: [String: String] = [
        "node.id": "tunedBroker: cluster describe lists broker 7",
        "listeners": "tunedBroker: bound on the chosen port; ListenerTests",
        "advertised.listeners": "tunedBroker: cluster describe shows localhost:port; ListenerTests refuses 0.0.0.0",
        "http.listener": "tunedBroker: /metrics answers on the bound HTTP port; ListenerTests",
        "num.network.threads": "tunedBroker: 2 NIO-ELT threads",
        "num.io.threads": "tunedBroker: 3 TP threads",
        "socket.request.max.bytes": "tunedBroker: a frame above it closes the connection",
        "message.max.bytes": "tunedBroker: a record above it fails MESSAGE_TOO_LARGE naming the key",
        "num.partitions": "tunedBroker: topics create without --partitions makes 3",
        "default.replication.factor": "schedulerFlushBroker: topics create without --replication-factor is refused",
        "min.insync.replicas": "tunedBroker: acks=all fails NOT_ENOUGH_REPLICAS, acks=1 succeeds",
        "unclean.leader.election.enable": "autoCreatingBroker: warning naming it",
        "replica.lag.time.max.ms": "autoCreatingBroker: warning naming it",
        "auto.create.topics.enable": "autoCreatingBroker: produce to an unknown topic creates it",
        "producer.id.expiration.ms": "autoCreatingBroker: the idle producer id expires",
        "delete.topic.enable": "tunedBroker: delete refused with TOPIC_DELETION_DISABLED",
        "log.dirs": "every broker here keeps its partitions there; DataDirectory tests",
        "log.dir": "autoCreatingBroker: used when log.dirs is unset",
        "log.segment.bytes": "tunedBroker: the partition has several segments",
        "log.index.interval.bytes": "tunedBroker: a rolled segment's offset index has entries",
        "log.flush.interval.messages": "autoCreatingBroker: an append is fsynced at once",
        "log.flush.interval.ms": "retentionBytesBroker: appends are fsynced by time",
        "log.flush.scheduler.interval.ms": "schedulerFlushBroker: appends are fsynced by the scheduler's period",
        "log.retention.ms": "retentionByAge(log.retention.ms)",
        "log.retention.minutes": "retentionByAge(log.retention.minutes)",
        "log.retention.hours": "retentionByAge(log.retention.hours)",
        "log.retention.bytes": "retentionBytesBroker: the log start offset moves up",
        "log.retention.check.interval.ms": "retention brokers: deletion within seconds, not after the default 5 min",
        "metadata.store": "unreachableEtcdStopsTheBrokerNamingTheEndpoints; ClusterTests",
        "replica.fetch.wait.max.ms": "ClusterTests (200 ms): followers long-poll the leader",
        "replica.fetch.min.bytes": "ClusterTests: the default 1 (a follower fetch answers as soon as there are records)",
        "replica.fetch.max.bytes": "ClusterTests: the default bounds each follower fetch per partition",
        "replica.fetch.response.max.bytes": "ClusterTests: the default bounds each follower fetch",
        "replica.fetch.backoff.ms": "ClusterTests (100 ms): a refused follower fetch retries soon",
        "broker.session.timeout.ms": "ClusterTests (1000): a killed broker is lost within about a second",
        "broker.heartbeat.interval.ms": "ClusterTests (200); heartbeatIntervalAtOrAboveTheSessionTimeoutIsRefused",
        "auto.leader.rebalance.enable": "ClusterTests (false): leadership stays where the test put it",
        "leader.imbalance.check.interval.seconds": "ControllerElectionTests: the rebalance loop's period",
        "leader.imbalance.per.broker.percentage": "Controller rebalance: the imbalance threshold",
        "controlled.shutdown.enable": "ClusterTests.sigtermMovesLeadershipAwayBeforeTheBrokerExits",
        "cluster.id": "tunedBroker: cluster describe shows it",
        "shutdown.timeout.ms": "ShutdownTests.sigtermEndsAStuckStartWithinTheShutdownTimeout",
        "metrics.enabled": "schedulerFlushBroker: /metrics answers 404",
        "offsets.topic.num.partitions": "KafkaGroupTests (3): __consumer_offsets is created with 3 partitions",
        "offsets.topic.replication.factor":
            "KafkaGroupTests: capped at 1 on one broker; KafkaClusterClientTests: 3 replicas, a coordinator failover",
        "group.initial.rebalance.delay.ms":
            "GroupCoordinatorRulesTests.anEmptyGroupWaitsTheInitialDelay...; KafkaGroupTests (0): at once",
        "group.min.session.timeout.ms": "KafkaBadInputTests.groupKeysBound...: 500 ms refused; KafkaGroupTests (1000)",
        "group.max.session.timeout.ms": "KafkaBadInputTests.groupKeysBound...: 20 s refused under 10 s",
        "offsets.commit.timeout.ms":
            "KafkaClusterClientTests: commits wait for __consumer_offsets' ISR (the bound itself: not yet walked)",
        "offset.metadata.max.bytes": "KafkaBadInputTests.groupKeysBound...: 101 bytes refused under 100",
        "log.message.timestamp.before.max.ms":
            "AppendAndReadTests.timestampsOutsideTheWindow...; KafkaPythonClientTests (topic key): INVALID_TIMESTAMP",
        "log.message.timestamp.after.max.ms":
            "AppendAndReadTests.timestampsOutsideTheWindow...; KafkaPythonClientTests (topic key): INVALID_TIMESTAMP",
        "offsets.retention.minutes": "OffsetsRetentionTests (1): empty groups' offsets gone a minute after load",
        "offsets.retention.check.interval.ms":
            "OffsetsRetentionTests (500); ConfigErrorTests: must stay under half of offsets.topic.retention.ms",
        "offsets.topic.retention.ms": "OffsetsRetentionTests (3000): log start moves, quiet commits survive a restart",
        "offsets.topic.segment.bytes": "OffsetsRetentionTests (1024): segments roll, so retention can delete them",
    ]

    @Test func everyKeyOfTheTableIsWalked() throws {
        let help = try Self.run(BrokerProcess.binDir + "/sluiced", ["--help-config"])
        let brokerSection = help.components(separatedBy: "\nGateway configuration")[0]
        let keys = brokerSection.split(separator: "\n").filter { line in
            !line.hasPrefix(" ") && !line.hasPrefix("Broker configuration") && !line.isEmpty
        }.map(String.init)
        #expect(keys.count >= 30)
        #expect(Set(keys) == Set(Self.probes.keys), "keys without a probe: \(Set(keys).subtracting(Self.probes.keys))")
        for key in keys { #expect(help.contains("\(key)\n    "), "\(key) is documented") }
    }

    @Test func tunedBrokerShowsEachKeysEffect() throws {
        let port = ProducerTestSupport.freePort()  // a free port to listen on and to advertise
        let broker = try BrokerProcess(overrides: [
            "node.id=7", "cluster.id=walk", "listeners=PLAINTEXT://127.0.0.1:\(port)",
            "advertised.listeners=PLAINTEXT://localhost:\(port)", "num.network.threads=2", "num.io.threads=3",
            "gateway.enable=false", "num.partitions=3", "min.insync.replicas=2", "delete.topic.enable=false",
            "message.max.bytes=3000", "socket.request.max.bytes=100000", "log.segment.bytes=2048",
            "log.index.interval.bytes=64",
        ])
        defer {
            broker.stop()
            broker.removeData()
        }
        #expect(broker.nativePort == port)
        let described = try Self.cli(broker, ["cluster", "describe"])
        #expect(described.stdoutText.contains("Cluster ID: walk"))
        #expect(described.stdoutText.contains("7 localhost:\(port) (controller)"))
        let threads = Self.threadNames(broker.pid)
        #expect(threads.filter { $0.hasPrefix("NIO-ELT-") }.count == 2, "\(threads)")
        #expect(threads.filter { $0.hasPrefix("TP-#") }.count == 3, "\(threads)")
        #expect(try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics").0 == 200)

        #expect(try Self.cli(broker, ["topics", "create", "walk"]).status == 0)
        #expect(try Self.cli(broker, ["topics", "describe", "walk"]).stdoutText.contains("PartitionCount: 3"))
        let lines = String(repeating: String(repeating: "x", count: 100) + "\n", count: 40)
        let all = try Self.cli(
            broker, ["produce", "--topic", "walk", "--partition", "0", "--acks", "all"], stdin: lines)
        #expect(all.status != 0)
        #expect(all.stderr.contains("NOT_ENOUGH_REPLICAS"))
        let one = try Self.cli(
            broker, ["produce", "--topic", "walk", "--partition", "0", "--acks", "1", "--batch-size", "1024"],
            stdin: lines)
        #expect(one.status == 0, "\(one.stderr)")
        let partitionDirectory = broker.dataDir + "/logs/walk-0"
        let files = try FileManager.default.contentsOfDirectory(atPath: partitionDirectory)
        #expect(files.filter { $0.hasSuffix(".log") }.count >= 2, "log.segment.bytes=2048 rolls: \(files)")
        let firstIndex = try #require(files.filter { $0.hasSuffix(".index") }.sorted().first)
        let indexBytes =
            try FileManager.default.attributesOfItem(atPath: partitionDirectory + "/" + firstIndex)[.size] as? Int
        #expect((indexBytes ?? 0) > 0, "log.index.interval.bytes=64 indexes a 2 KiB segment")

        let big = try Self.cli(
            broker, ["produce", "--topic", "walk", "--acks", "1"], stdin: String(repeating: "y", count: 3500) + "\n")
        #expect(big.status != 0)
        #expect(big.stderr.contains("MESSAGE_TOO_LARGE"))
        let socket = try RawSocket(port: broker.nativePort)
        socket.send([0x00, 0x03, 0x0D, 0x40] + [UInt8](repeating: 0, count: 16))  // claims 200,000 bytes
        #expect(socket.isClosedByPeer(), "socket.request.max.bytes=100000 closes a larger frame")

        let deleted = try Self.cli(broker, ["topics", "delete", "walk"])
        #expect(deleted.status != 0)
        #expect(deleted.stderr.contains("TOPIC_DELETION_DISABLED"))
        #expect(deleted.stderr.contains("delete.topic.enable=false"))
    }

    @Test func autoCreatingBrokerShowsEachKeysEffect() throws {
        let broker = try BrokerProcess(
            overrides: [
                "auto.create.topics.enable=true", "num.partitions=2", "log.flush.interval.messages=1",
                "producer.id.expiration.ms=300", "unclean.leader.election.enable=true", "replica.lag.time.max.ms=1000",
            ], logDirsKey: "log.dir")
        defer {
            broker.stop()
            broker.removeData()
        }
        for key in ["unclean.leader.election.enable", "replica.lag.time.max.ms"] {
            #expect(broker.stderr.contains("\(key) has no effect on a single broker"), "warning naming \(key)")
        }
        let produced = try Self.cli(broker, ["produce", "--topic", "fresh", "--acks", "all"], stdin: "a\nb\n")
        #expect(produced.status == 0, "\(produced.stderr)")
        #expect(try Self.cli(broker, ["topics", "describe", "fresh"]).stdoutText.contains("PartitionCount: 2"))
        #expect(FileManager.default.fileExists(atPath: broker.dataDir + "/logs/fresh-0"), "log.dir holds the data")
        // The fsync runs on the I/O pool after the append is answered.
        #expect(
            ProducerTestSupport.eventually(timeout: .seconds(30)) { (try? Self.flushCount(broker)) ?? 0 >= 1 },
            "log.flush.interval.messages=1 fsyncs the append")
        #expect(
            ProducerTestSupport.eventually(timeout: .seconds(30)) {
                broker.stderr.contains("expired 1 idle producer id(s)")
            },
            "producer.id.expiration.ms")
    }

    @Test func schedulerFlushBrokerShowsEachKeysEffect() throws {
        let broker = try BrokerProcess(overrides: [
            "log.flush.scheduler.interval.ms=200", "default.replication.factor=2", "metrics.enabled=false",
        ])
        defer {
            broker.stop()
            broker.removeData()
        }
        let refused = try Self.cli(broker, ["topics", "create", "two"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("INVALID_REPLICATION_FACTOR"))
        #expect(try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics").0 == 404)
        #expect(try Self.cli(broker, ["topics", "create", "one", "--replication-factor", "1"]).status == 0)
        #expect(try Self.cli(broker, ["produce", "--topic", "one", "--acks", "1"], stdin: "a\n").status == 0)
        // metrics.enabled=false hides the flush histogram; the flush shows on disk as a moved recovery point.
        #expect(
            ProducerTestSupport.eventually(timeout: .seconds(30)) { Self.recoveryPoint(broker.dataDir + "/logs") >= 1 },
            "scheduler flush")
    }

    @Test func retentionBytesBrokerShowsEachKeysEffect() throws {
        let broker = try BrokerProcess(overrides: [
            "log.flush.interval.ms=200", "log.retention.bytes=3000", "log.segment.bytes=1024",
            "log.retention.check.interval.ms=100",
        ])
        defer {
            broker.stop()
            broker.removeData()
        }
        #expect(try Self.cli(broker, ["topics", "create", "sized"]).status == 0)
        let lines = String(repeating: String(repeating: "z", count: 100) + "\n", count: 100)
        #expect(
            try Self.cli(broker, ["produce", "--topic", "sized", "--acks", "1", "--batch-size", "512"], stdin: lines)
                .status == 0)
        #expect(
            ProducerTestSupport.eventually(timeout: .seconds(30)) { (try? Self.flushCount(broker)) ?? 0 >= 1 },
            "log.flush.interval.ms flushes by time")
        #expect(
            ProducerTestSupport.eventually(timeout: .seconds(30)) { Self.logStartOffset(broker, topic: "sized") > 0 },
            "log.retention.bytes deletes segments")
    }

    @Test(arguments: ["log.retention.ms=600000", "log.retention.minutes=10", "log.retention.hours=1"])
    func retentionByAgeDeletesASegmentOlderThanTheKeySays(setting: String) throws {
        let broker = try BrokerProcess(overrides: [
            setting, "log.segment.bytes=1024", "log.retention.check.interval.ms=100",
        ])
        defer {
            broker.stop()
            broker.removeData()
        }
        #expect(try Self.cli(broker, ["topics", "create", "aged"]).status == 0)
        let twoHoursAgo = Int64(Date().timeIntervalSince1970 * 1000) - 7_200_000
        try Self.produceRaw(broker, topic: "aged", timestamp: twoHoursAgo, valueBytes: 600)
        try Self.produceRaw(broker, topic: "aged", timestamp: twoHoursAgo + 7_200_000, valueBytes: 600)
        #expect(
            ProducerTestSupport.eventually(timeout: .seconds(30)) { Self.logStartOffset(broker, topic: "aged") == 1 },
            "\(setting) deletes the 2 h old segment")
    }

    @Test func unreachableEtcdStopsTheBrokerNamingTheEndpoints() throws {
        let port = ProducerTestSupport.freePort()  // nothing listens there
        let daemon = try LaunchedDaemon(overrides: ["metadata.store=etcd://127.0.0.1:\(port)"])
        #expect(try daemon.waitForExit(timeout: .seconds(30)) == 1)
        #expect(daemon.stderr.contains("SLUICE_EVENT=metadata_store_unavailable"))
        #expect(daemon.stderr.contains("ENDPOINTS=127.0.0.1:\(port)"))
        #expect(daemon.stderr.contains("127.0.0.1:\(port)"))
    }

    @Test func heartbeatIntervalAtOrAboveTheSessionTimeoutIsRefused() throws {
        let daemon = try LaunchedDaemon(overrides: ["broker.session.timeout.ms=2000", "broker.heartbeat.interval.ms=2000"])
        #expect(try daemon.waitForExit(timeout: .seconds(30)) == 78)
        #expect(daemon.stderr.contains("broker.heartbeat.interval.ms"))
        #expect(daemon.stderr.contains("must be less than broker.session.timeout.ms"))
    }

    // MARK: helpers

    static func cli(_ broker: BrokerProcess, _ arguments: [String], stdin: String? = nil) throws -> CLI.Result {
        try CLI.run(["--bootstrap-server", broker.bootstrap] + arguments, stdin: stdin.map { Data($0.utf8) })
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func threadNames(_ pid: Int32) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { task in
            (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static func flushCount(_ broker: BrokerProcess) throws -> Double {
        let (_, text) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        return MetricsEndpointTests.value(of: "sluice_log_flush_seconds_count", in: text) ?? 0
    }

    static func logStartOffset(_ broker: BrokerProcess, topic: String) -> Int {
        guard let described = try? cli(broker, ["topics", "describe", topic]).stdoutText,
            let match = described.firstMatch(of: /LogStartOffset: (\d+)/)
        else { return -1 }
        return Int(match.1) ?? -1
    }

    /// The largest recovery point any partition under `logs` has checkpointed (its flushed offset).
    static func recoveryPoint(_ logs: String) -> Int {
        let partitions = (try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []
        return partitions.compactMap { partition -> Int? in
            guard
                let text = try? String(
                    contentsOfFile: "\(logs)/\(partition)/recovery-point-offset-checkpoint", encoding: .utf8)
            else { return nil }
            return text.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.max()
        }.max() ?? 0
    }

    /// Produces one record with `timestamp` and a value of `valueBytes`, acks=1, through a raw connection.
    static func produceRaw(_ broker: BrokerProcess, topic: String, timestamp: Int64, valueBytes: Int) throws {
        var builder = RecordBatchBuilder(firstTimestamp: timestamp)
        builder.append(key: nil, value: [UInt8](repeating: 0x61, count: valueBytes), timestamp: timestamp)
        let request = Request(
            correlationId: 1,
            body: .produce(
                ProduceRequest(
                    acks: 1, timeoutMs: 5000,
                    topics: [
                        ProduceTopicData(
                            name: topic, partitions: [ProducePartitionData(partition: 0, records: builder.finish())])
                    ])))
        let socket = try RawSocket(port: broker.nativePort)
        socket.send(BadInputTests.encode(request))
        let response = try WireCodec.decodeResponse(ByteBuffer(bytes: try #require(socket.readFrame())))
        guard case .produce(let produce) = response.body else { throw BrokerProcessError("not a produce response") }
        #expect(produce.topics.first?.partitions.first?.errorCode == ErrorCode.none)
    }
}
