import Foundation
import Testing

/// `log.dirs` as Kafka's: one owner per directory (`.lock`), a `meta.properties` tying it to one node of one
/// cluster, several directories with partitions spread by count and found again in any order, and refusals
/// (exit 78, `log.dirs`) that name the directory, the holder's PID, or both paths of a duplicate.
@Suite(.serialized)
struct LogDirsTests {
    /// Runs `sluiced` on `logDirs` with `overrides` and expects it to exit before ready: (status, stderr).
    static func runToExit(configDir: String, logDirs: String, overrides: [String] = []) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrokerProcess.binDir + "/sluiced")
        let configPath = configDir + "/server.properties"
        if !FileManager.default.fileExists(atPath: configPath) {
            try "node.id=1\ncluster.id=it\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        process.arguments =
            [
                "--config", configPath, "--override", "log.dirs=\(logDirs)",
                "--override", "listeners=PLAINTEXT://127.0.0.1:0", "--override", "http.listener=127.0.0.1:0",
            ]
            + overrides.flatMap { ["--override", $0] }
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_LOG_TARGET"] = "stderr"
        process.environment = environment
        let errPath = configDir + "/refused-\(UUID().uuidString.prefix(8)).stderr"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }  // polling with a deadline
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("sluiced on \(logDirs) did not exit")
        }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    static func createTopic(_ name: String, partitions: Int, broker: BrokerProcess, config: [String] = []) throws {
        let created = try CLI.run(
            ["topics", "create", name, "--partitions", "\(partitions)", "--bootstrap-server", broker.bootstrap]
                + config.flatMap { ["--config", $0] })
        #expect(created.status == 0, "\(created.stderr)")
    }

    static func produce(_ lines: [String], topic: String, partition: Int, broker: BrokerProcess) throws {
        let result = try CLI.run(
            [
                "produce", "--topic", topic, "--partition", "\(partition)", "--acks", "all",
                "--bootstrap-server", broker.bootstrap,
            ], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func consume(_ topic: String, partition: Int, count: Int, broker: BrokerProcess) throws -> [String] {
        let result = try CLI.run(
            [
                "consume", "--topic", topic, "--partition", "\(partition)", "--from-beginning", "--max-messages",
                "\(count)", "--timeout-ms", "5000", "--bootstrap-server", broker.bootstrap,
            ])
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    static func partitionDirectories(in directory: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(names.filter { $0.range(of: #"^.+-\d+$"#, options: .regularExpression) != nil })
    }

    @Test func aSecondBrokerOnTheSameDirectoryExitsNamingItAndTheHolderWhileTheFirstKeepsServing() throws {
        let first = try BrokerProcess()
        defer {
            first.kill9()
            first.removeData()
        }
        try Self.createTopic("owned", partitions: 1, broker: first)
        try Self.produce((0..<100).map { "before-\($0)" }, topic: "owned", partition: 0, broker: first)
        let logs = first.dataDir + "/logs"
        let (status, stderr) = try Self.runToExit(configDir: first.dataDir, logDirs: logs)
        #expect(status == 78)
        #expect(stderr.contains("log.dirs \(logs) is in use by another sluiced (pid \(first.pid))"), "\(stderr)")
        #expect(stderr.contains("Failed to acquire lock on file \(logs)/.lock"))
        #expect(stderr.contains("SLUICE_EVENT=config_error"))
        #expect(!stderr.contains("SLUICE_EVENT=broker_ready"))
        // The first broker still owns its data: it takes more records and serves all of them in order.
        try Self.produce((0..<10).map { "after-\($0)" }, topic: "owned", partition: 0, broker: first)
        let records = try Self.consume("owned", partition: 0, count: 110, broker: first)
        #expect(records == (0..<100).map { "before-\($0)" } + (0..<10).map { "after-\($0)" })
        #expect(first.stop() == 0)
        #expect(try String(contentsOfFile: logs + "/meta.properties", encoding: .utf8).contains("node.id=1\n"))
    }

    @Test func aDirectoryMovedToAnotherNodeOrClusterIsRefusedNamingBothValues() throws {
        let owner = try BrokerProcess()
        defer {
            owner.kill9()
            owner.removeData()
        }
        try Self.createTopic("moved", partitions: 1, broker: owner)
        #expect(owner.stop() == 0)
        let logs = owner.dataDir + "/logs"
        let (otherNode, nodeErr) = try Self.runToExit(configDir: owner.dataDir, logDirs: logs, overrides: ["node.id=2"])
        #expect(otherNode == 78)
        #expect(nodeErr.contains("log.dirs \(logs) cannot be used"), "\(nodeErr)")
        #expect(nodeErr.contains("found cluster.id=it node.id=1; configured cluster.id=it node.id=2"))
        let (otherCluster, clusterErr) = try Self.runToExit(
            configDir: owner.dataDir, logDirs: logs, overrides: ["cluster.id=other"])
        #expect(otherCluster == 78)
        #expect(
            clusterErr.contains("found cluster.id=it node.id=1; configured cluster.id=other node.id=1"), "\(clusterErr)"
        )
        try "version=1\nnode.id=1\n".write(toFile: logs + "/meta.properties", atomically: true, encoding: .utf8)
        let (malformed, malformedErr) = try Self.runToExit(configDir: owner.dataDir, logDirs: logs)
        #expect(malformed == 78)
        #expect(malformedErr.contains("\(logs)/meta.properties is malformed: no cluster.id"), "\(malformedErr)")
    }

    @Test func twoLogDirsSpreadPartitionsByCountAndFindThemAgainInEitherOrder() throws {
        let root = BrokerProcess.makeTempDir("sluice-logdirs")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (a, b) = (root + "/a", root + "/b")
        let broker = try BrokerProcess(dataDir: root, overrides: ["log.dirs=\(a),\(b)"])
        defer { broker.kill9() }
        try Self.createTopic("spread", partitions: 4, broker: broker)
        try Self.createTopic("single", partitions: 1, broker: broker)
        for partition in 0..<4 {
            try Self.produce(
                ["s\(partition)-a", "s\(partition)-b"], topic: "spread", partition: partition, broker: broker)
        }
        try Self.produce(["only"], topic: "single", partition: 0, broker: broker)
        // Fewest first, ties to the first entry: spread-0 a, spread-1 b, spread-2 a, spread-3 b, single-0 a.
        #expect(Self.partitionDirectories(in: a) == ["spread-0", "spread-2", "single-0"])
        #expect(Self.partitionDirectories(in: b) == ["spread-1", "spread-3"])
        #expect(FileManager.default.fileExists(atPath: a + "/cluster-metadata.json"))
        #expect(broker.stop() == 0)

        let swapped = try BrokerProcess(dataDir: root, overrides: ["log.dirs=\(b),\(a)"])
        defer { swapped.kill9() }
        for partition in 0..<4 {
            #expect(
                try Self.consume("spread", partition: partition, count: 2, broker: swapped)
                    == ["s\(partition)-a", "s\(partition)-b"])
        }
        #expect(try Self.consume("single", partition: 0, count: 1, broker: swapped) == ["only"])
        #expect(swapped.stderr.contains("the embedded metadata store is in \(a)"))
        // Counts are now b 2, a 3: a new partition goes to b.
        try Self.createTopic("later", partitions: 1, broker: swapped)
        #expect(Self.partitionDirectories(in: b) == ["spread-1", "spread-3", "later-0"])
        #expect(Self.partitionDirectories(in: a) == ["spread-0", "spread-2", "single-0"])
        #expect(!FileManager.default.fileExists(atPath: b + "/cluster-metadata.json"))
        // Deleting a topic removes its directories from whichever entry holds them.
        let deleted = try CLI.run(["topics", "delete", "spread", "--bootstrap-server", swapped.bootstrap])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(Self.partitionDirectories(in: b) == ["later-0"])
        #expect(Self.partitionDirectories(in: a) == ["single-0"])
        #expect(swapped.stop() == 0)
    }

    @Test func aPartitionInBothDirectoriesOrPartitionsWithoutTheMetadataFileAreRefused() throws {
        let root = BrokerProcess.makeTempDir("sluice-logdirs")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (a, b) = (root + "/a", root + "/b")
        let broker = try BrokerProcess(dataDir: root, overrides: ["log.dirs=\(a),\(b)"])
        defer { broker.kill9() }
        try Self.createTopic("twice", partitions: 2, broker: broker)
        #expect(broker.stop() == 0)
        // Only b listed: it holds twice-1 but the metadata file is in a. Starting would serve an empty broker.
        let (withoutA, withoutAErr) = try Self.runToExit(configDir: root, logDirs: b)
        #expect(withoutA == 78)
        #expect(
            withoutAErr.contains("holds 1 partition directory (\(b)/twice-1) but no cluster-metadata.json"),
            "\(withoutAErr)")
        // Only a listed: the metadata is there, twice-1's directory (in b) is not; it starts with a warning.
        let withoutB = try BrokerProcess(dataDir: root, overrides: ["log.dirs=\(a)"])
        defer { withoutB.kill9() }
        #expect(withoutB.stop() == 0)
        #expect(
            withoutB.stderr.contains("partition twice-1 is in the metadata but its directory is in none of log.dirs"))
        #expect(!withoutB.stderr.contains("partition twice-0 is in the metadata"))
        try FileManager.default.removeItem(atPath: a + "/twice-1")  // the empty one it created
        // The same partition in both entries.
        try FileManager.default.copyItem(atPath: a + "/twice-0", toPath: b + "/twice-0")
        let (duplicate, duplicateErr) = try Self.runToExit(configDir: root, logDirs: "\(a),\(b)")
        #expect(duplicate == 78)
        #expect(
            duplicateErr.contains("partition twice-0 is in two log directories, \(a)/twice-0 and \(b)/twice-0"),
            "\(duplicateErr)")
        #expect(duplicateErr.contains("KEY=log.dirs"))
        // One directory under two names: its own lock refuses the second.
        try FileManager.default.createSymbolicLink(atPath: root + "/alias", withDestinationPath: a)
        let (alias, aliasErr) = try Self.runToExit(configDir: root, logDirs: "\(a),\(root)/alias")
        #expect(alias == 78)
        #expect(aliasErr.contains("log.dirs \(root)/alias is listed twice in log.dirs"), "\(aliasErr)")
    }

    @Test func aCorruptPersistedTopicConfigStopsTheBrokerNamingTheFileTheTopicAndTheKey() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic("configured", partitions: 1, broker: broker, config: ["retention.ms=123456"])
        #expect(broker.stop() == 0)
        let file = broker.dataDir + "/logs/cluster-metadata.json"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("\"123456\""))
        try text.replacingOccurrences(of: "\"123456\"", with: "\"12x\"").write(
            toFile: file, atomically: true, encoding: .utf8)
        let (status, stderr) = try Self.runToExit(configDir: broker.dataDir, logDirs: broker.dataDir + "/logs")
        #expect(status != 0)
        #expect(stderr.contains("the configuration of topic 'configured' persisted in \(file) is invalid"), "\(stderr)")
        #expect(stderr.contains("retention.ms"))
        #expect(!stderr.contains("SLUICE_EVENT=broker_ready"))
    }
}
