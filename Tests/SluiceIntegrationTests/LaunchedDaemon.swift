import Foundation

/// A `sluiced` process launched without waiting for readiness: for the tests of start-up failures and of
/// stops in every start-up state. Its stderr goes to a file the test polls; it is killed by PID in `deinit`.
final class LaunchedDaemon: @unchecked Sendable {
    let process = Process()
    let directory: String
    let stderrPath: String

    /// Starts `sluiced` on a fresh temp directory (config `node.id=1`, logs under it, free ports unless
    /// `overrides` choose) with `environment` added to this process's.
    init(overrides: [String] = [], environment: [String: String] = [:]) throws {
        directory = BrokerProcess.makeTempDir("sluice-launch")
        stderrPath = directory + "/stderr"
        try "node.id=1\n".write(toFile: directory + "/server.properties", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: BrokerProcess.binDir + "/sluiced")
        var arguments = ["--config", directory + "/server.properties", "--override", "log.dirs=\(directory)/logs"]
        let chosen = Set(overrides.map { String($0.prefix { $0 != "=" }) })
        if !chosen.contains("listeners") { arguments += ["--override", "listeners=PLAINTEXT://127.0.0.1:0"] }
        if !chosen.contains("http.listener") { arguments += ["--override", "http.listener=127.0.0.1:0"] }
        process.arguments = arguments + overrides.flatMap { ["--override", $0] }
        process.environment = ProcessInfo.processInfo.environment
            .merging(["SLUICE_LOG_TARGET": "stderr"]) { _, new in new }.merging(environment) { _, new in new }
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Polls stderr until it contains `text` (true) or the process exits or `timeout` passes (false).
    func waitForStderr(_ text: String, timeout: Duration = .seconds(60)) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
            usleep(20_000)  // polling a file with a deadline, not sleeping as synchronisation
        }
        return false
    }

    /// Waits for the process to exit; its status, or nil if it still runs after `timeout` (then it is killed).
    func waitForExit(timeout: Duration = .seconds(60)) -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }
}

/// A TCP port held open on 127.0.0.1 for as long as the value lives: "address already in use" on demand.
final class HeldPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                bind(descriptor, sockaddrPointer, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, sockaddrPointer, &length) == 0
            }
        }
        port = bound ? Int(UInt16(bigEndian: address.sin_port)) : 0
        guard bound else { throw BrokerProcessError("cannot hold a port: errno \(errno)") }
    }

    deinit { close(descriptor) }
}
