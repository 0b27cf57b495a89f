import Foundation
import SluiceTestSupport
import Testing

/// A real `sluiced` process on free loopback ports and a temp data dir, for integration tests.
///
/// Start-up waits (with a deadline) for the `broker_ready` event on stderr, which carries the bound
/// ports. `stop()`/`kill()` act on this process's PID only; `deinit` kills it if a test forgot.
final class BrokerProcess: @unchecked Sendable {
    let dataDir: String
    let process: Process
    let stderrPath: String
    private(set) var nativePort: Int = 0
    private(set) var httpPort: Int = 0

    var bootstrap: String { "127.0.0.1:\(nativePort)" }
    var pid: Int32 { process.processIdentifier }

    static var binDir: String {
        if let dir = ProcessInfo.processInfo.environment["SLUICE_BIN_DIR"] { return dir }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug").path
    }

    static func makeTempDir(_ prefix: String = "sluice-it") -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts a broker on `dataDir` (new temp dir if nil) with extra `overrides`; waits until ready. The logs
    /// go to `<dataDir>/logs` through `logDirsKey` (`log.dirs`, or Kafka's older `log.dir`). `nativePort` 0
    /// picks a free port; a restart test passes the port of the broker it replaces. A `launcher` (e.g. `setpriv`
    /// and its flags) runs the binary through it.
    init(
        dataDir: String? = nil, overrides: [String] = [], logDirsKey: String = "log.dirs", nativePort: Int = 0,
        environment extraEnvironment: [String: String] = [:], launcher: [String] = []
    ) throws {
        self.dataDir = dataDir ?? Self.makeTempDir()
        let configPath = self.dataDir + "/server.properties"
        if !FileManager.default.fileExists(atPath: configPath) {
            // auto.create.topics.enable=false: most tests check what an unknown topic does; the tests of topic
            // auto-creation (and of Kafka clients that rely on it) override it.
            try "node.id=1\ncluster.id=it\nauto.create.topics.enable=false\n".write(
                toFile: configPath, atomically: true, encoding: .utf8)
        }
        stderrPath = self.dataDir + "/sluiced-\(UUID().uuidString.prefix(8)).stderr"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? (Self.binDir + "/sluiced"))
        var arguments = launcher.isEmpty ? [] : Array(launcher.dropFirst()) + [Self.binDir + "/sluiced"]
        arguments += ["--config", configPath,
                         "--override", "\(logDirsKey)=\(self.dataDir)/logs",
                         "--override", "listeners=PLAINTEXT://127.0.0.1:\(nativePort)",
                         "--override", "http.listener=127.0.0.1:0"]
        for override in overrides { arguments += ["--override", override] }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_LOG_TARGET"] = "stderr"
        environment.merge(extraEnvironment) { _, extra in extra }
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try waitUntilReady()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    /// The daemon's stderr so far (events and logs, one line each).
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    private func waitUntilReady(timeout: Duration = .seconds(60)) throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let line = stderr.split(separator: "\n").first(where: { $0.contains("SLUICE_EVENT=broker_ready") }) {
                nativePort = try Self.port(in: line, scheme: "PLAINTEXT")
                httpPort = try Self.port(in: line, scheme: "HTTP")
                return
            }
            guard process.isRunning else {
                throw BrokerProcessError("sluiced exited with \(process.terminationStatus) before ready:\n\(stderr)")
            }
            usleep(20_000)  // polling a file with a deadline, not sleeping as synchronisation
        }
        throw BrokerProcessError("sluiced not ready within \(timeout):\n\(stderr)")
    }

    /// The port of the `scheme://host:port` listener in `line`, whatever the host (`:0` binds every interface).
    private static func port(in line: Substring, scheme: String) throws -> Int {
        guard let range = line.range(of: "\(scheme)://") else {
            throw BrokerProcessError("no \(scheme) listener in: \(line)")
        }
        let address = line[range.upperBound...].prefix { $0 != "," && $0 != " " }
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw BrokerProcessError("bad port in: \(line)")
        }
        return port
    }

    /// SIGTERM and wait for a clean exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGSTOP: a paused process (its sockets stay open, nothing answers).
    func pause() {
        kill(process.processIdentifier, SIGSTOP)
        ProcessState.awaitStopped(process.processIdentifier)  // kill returns before the process has stopped
        isPaused = true
    }

    /// SIGCONT after ``pause()``.
    func resume() {
        kill(process.processIdentifier, SIGCONT)
        isPaused = false
    }

    var isRunning: Bool { process.isRunning }

    /// Between ``pause()`` and ``resume()``: running, but nothing it is asked gets an answer.
    private(set) var isPaused = false

    /// SIGKILL: the process dies, the page cache survives.
    func kill9() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func removeData() { try? FileManager.default.removeItem(atPath: dataDir) }
}

struct BrokerProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
