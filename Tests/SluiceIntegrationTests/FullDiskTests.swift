import Foundation
import Testing

/// A full disk: the producer gets KAFKA_STORAGE_ERROR, nothing acknowledged is lost, the broker keeps serving.
@Suite(.serialized)
struct FullDiskTests {
    /// Mounts a small tmpfs at `path`; nil with the reason when this machine does not allow it (not root).
    static func mountTmpfs(at path: String, sizeMiB: Int) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = ["-t", "tmpfs", "-o", "size=\(sizeMiB)m", "tmpfs", path]
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "cannot run mount: \(error)" }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "mount -t tmpfs failed (status \(process.terminationStatus)); needs root"
    }

    static func unmount(_ path: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [path]
        try? process.run()
        process.waitUntilExit()
    }

    @Test func fullDiskRefusesAppendsAndKeepsAcknowledgedRecords() throws {
        let dataDir = BrokerProcess.makeTempDir("sluice-fulldisk")
        let logs = dataDir + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        if let reason = Self.mountTmpfs(at: logs, sizeMiB: 6) {
            print("FullDiskTests: skipped, \(reason)")
            return
        }
        defer { Self.unmount(logs) }
        let broker = try BrokerProcess(dataDir: dataDir)
        defer { broker.kill9() }
        #expect(try CLI.run(["topics", "create", "full", "--bootstrap-server", broker.bootstrap]).status == 0)
        var acknowledged: [String] = []
        var failure: CLI.Result?
        for chunk in 0..<40 where failure == nil {
            let lines = (0..<5_000).map { "chunk\(chunk)-\($0)-" + String(repeating: "z", count: 80) }
            let result = try CLI.run(["produce", "--topic", "full", "--acks", "1", "--bootstrap-server", broker.bootstrap],
                                     stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
            if result.status == 0 { acknowledged += lines } else { failure = result }
        }
        let refused = try #require(failure, "6 MiB should fill before 40 chunks of ~0.5 MiB")
        #expect(refused.stderr.contains("KAFKA_STORAGE_ERROR"), "\(refused.stderr)")
        #expect(!acknowledged.isEmpty)
        let list = try CLI.run(["topics", "list", "--bootstrap-server", broker.bootstrap])
        #expect(list.status == 0 && list.stdoutText.contains("full"), "broker stopped serving after ENOSPC")
        let consumed = try CLI.run(["consume", "--topic", "full", "--from-beginning", "--max-messages",
                                    "\(acknowledged.count + 5_000)", "--timeout-ms", "2000", "--bootstrap-server", broker.bootstrap])
        let values = consumed.stdoutText.split(separator: "\n").map(String.init)
        #expect(values.count >= acknowledged.count)
        #expect(Array(values.prefix(acknowledged.count)) == acknowledged, "an acknowledged record is missing")
    }
}
