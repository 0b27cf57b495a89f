import Foundation
import Testing

/// Bad configurations stop `sluiced` with exit 78 (EX_CONFIG), naming the key, and a config_error event.
@Suite(.serialized)
struct ConfigErrorTests {
    static func runSluiced(config: String?, configPath: String? = nil, overrides: [String] = []) throws -> (Int32, String) {
        let dir = BrokerProcess.makeTempDir("sluice-config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = configPath ?? dir + "/server.properties"
        if let config { try config.write(toFile: path, atomically: true, encoding: .utf8) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrokerProcess.binDir + "/sluiced")
        process.arguments = ["--config", path, "--override", "log.dirs=\(dir)/logs",
                             "--override", "listeners=PLAINTEXT://127.0.0.1:0", "--override", "http.listener=127.0.0.1:0"]
            + overrides.flatMap { ["--override", $0] }
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_LOG_TARGET"] = "stderr"
        process.environment = environment
        let errPath = dir + "/stderr"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    @Test(arguments: [
        ("log.segmnet.bytes=1000\n", "log.segmnet.bytes"),
        ("num.partitions=three\n", "num.partitions"),
        ("log.segment.bytes=-5\n", "log.segment.bytes"),
        ("log.retention.bytes=-2\n", "log.retention.bytes"),
        // Live commits could age out of __consumer_offsets before the coordinator rewrites them.
        ("offsets.topic.retention.ms=1000\noffsets.retention.check.interval.ms=500\n", "offsets.topic.retention.ms"),
    ])
    func badConfigExitsSeventyEightNamingTheKey(config: String, key: String) throws {
        let (status, stderr) = try Self.runSluiced(config: "node.id=1\n" + config)
        #expect(status == 78)
        #expect(stderr.contains(key))
        #expect(stderr.contains("SLUICE_EVENT=config_error"))
        #expect(stderr.contains("KEY=\(key)"))
    }

    @Test func unreadableConfigFileExitsSeventyEight() throws {
        let (status, stderr) = try Self.runSluiced(config: nil, configPath: "/nonexistent/sluice/server.properties")
        #expect(status == 78)
        #expect(stderr.contains("/nonexistent/sluice/server.properties"))
    }

    @Test func badOverrideExitsSeventyEight() throws {
        let (status, stderr) = try Self.runSluiced(config: "node.id=1\n", overrides: ["min.insync.replicas=0"])
        #expect(status == 78)
        #expect(stderr.contains("min.insync.replicas"))
    }
}
