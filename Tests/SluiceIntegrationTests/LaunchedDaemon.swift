import Foundation

/// A `sluiced` process launched without waiting for readiness: for the tests of start-up failures and of
/// stops in every start-up state. A ``CLIProcess`` of `sluiced` on a fresh temp directory (config `node.id=1`,
/// logs under it, free ports unless `overrides` choose them), stderr in a file the test polls.
final class LaunchedDaemon: @unchecked Sendable {
    let directory: String
    let running: CLIProcess

    init(overrides: [String] = [], environment: [String: String] = [:]) throws {
        directory = BrokerProcess.makeTempDir("sluice-launch")
        try "node.id=1\n".write(toFile: directory + "/server.properties", atomically: true, encoding: .utf8)
        var arguments = ["--config", directory + "/server.properties", "--override", "log.dirs=\(directory)/logs"]
        let chosen = Set(overrides.map { String($0.prefix { $0 != "=" }) })
        if !chosen.contains("listeners") { arguments += ["--override", "listeners=PLAINTEXT://127.0.0.1:0"] }
        if !chosen.contains("http.listener") { arguments += ["--override", "http.listener=127.0.0.1:0"] }
        running = try CLIProcess(
            arguments + overrides.flatMap { ["--override", $0] }, executable: "sluiced",
            environment: environment.merging(["SLUICE_LOG_TARGET": "stderr"]) { given, _ in given })
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var stderr: String { running.stderr }

    /// Polls stderr until it contains `text` (true) or `timeout` passes (false).
    func waitForStderr(_ text: String, timeout: Duration = .seconds(60)) -> Bool {
        (try? running.waitFor(text, timeout: timeout) { $0.stderr.contains(text) }) != nil
    }

    /// Waits for the process to exit and returns its status; throws (after killing it) past `timeout`.
    func waitForExit(timeout: Duration = .seconds(60)) throws -> Int32 { try running.waitForExit(timeout: timeout) }

    func signal(_ signal: Int32) { running.signal(signal) }
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
