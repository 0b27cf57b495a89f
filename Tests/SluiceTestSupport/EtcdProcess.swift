import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real single-member etcd (`/usr/bin/etcd`, Debian's `etcd-server`) on free loopback ports in a temporary
/// data directory, for tests. Started healthy by ``start(deadline:)``; ``stop()`` and ``start(deadline:)``
/// again restart it on the same data directory and ports ("etcd down, then back"); ``pause()``/``resume()``
/// send SIGSTOP/SIGCONT (an etcd that accepts connections but never answers). Only the process this type
/// started is ever signalled, by its PID; `deinit` kills it and removes the data directory.
public final class EtcdProcess: Sendable {
    /// Why etcd could not be started.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, with the tail of etcd's log.
        public var description: String

        /// An error saying `description`.
        public init(description: String) { self.description = description }
    }

    /// The client port (`--listen-client-urls`).
    public let clientPort: Int
    /// The peer port (`--listen-peer-urls`).
    public let peerPort: Int
    /// The data directory (`--data-dir`), kept across ``stop()`` and restart.
    public let dataDirectory: String
    /// etcd's stdout and stderr, appended across restarts.
    public let logPath: String
    private let process = Mutex<Process?>(nil)

    /// `host:port` of the client URL, as `EtcdMetadataStore(endpoints:)` takes it.
    public var endpoint: String { "127.0.0.1:\(clientPort)" }

    /// Takes two free ports and a temporary directory, and starts etcd (see ``start(deadline:)``).
    public init(executable: String = "/usr/bin/etcd", deadline: Duration = .seconds(20)) async throws {
        self.executable = executable
        let ports = try Self.freePorts(2)
        self.clientPort = ports[0]
        self.peerPort = ports[1]
        let root = try TestTools.makeTemporaryDirectory()
        self.dataDirectory = root + "/data"
        self.logPath = root + "/etcd.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        try await start(deadline: deadline)
    }

    private let executable: String

    deinit {
        stop()
        TestTools.remove((dataDirectory as NSString).deletingLastPathComponent)
    }

    /// Starts etcd (again, on the same data directory and ports) and waits until `/health` says true, or throws
    /// after `deadline`.
    public func start(deadline: Duration = .seconds(20)) async throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        let client = "http://127.0.0.1:\(clientPort)"
        let peer = "http://127.0.0.1:\(peerPort)"
        child.arguments = [
            "--name", "t", "--data-dir", dataDirectory,
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "t=\(peer)", "--heartbeat-interval", "50", "--election-timeout", "500",
        ]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        child.standardOutput = log
        child.standardError = log
        child.standardInput = FileHandle.nullDevice
        try child.run()
        process.withLock { $0 = child }
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            guard child.isRunning else { throw StartError(description: "etcd exited at start: \(logTail())") }
            if isHealthy() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw StartError(description: "etcd not healthy within \(deadline): \(logTail())")
    }

    /// Kills etcd (SIGKILL) and waits until it has exited; a no-op when not running.
    public func stop() {
        guard let child = process.withLock({ current -> Process? in
            defer { current = nil }
            return current
        }) else { return }
        if child.isRunning {
            kill(child.processIdentifier, SIGCONT)
            kill(child.processIdentifier, SIGKILL)
        }
        child.waitUntilExit()
    }

    /// Freezes etcd (SIGSTOP): its sockets stay open, nothing answers. Returns once the process has stopped (a
    /// request sent between `kill` and the stop could still be answered).
    public func pause() {
        signal(SIGSTOP)
        if let pid = process.withLock({ $0?.processIdentifier }) { ProcessState.awaitStopped(pid) }
    }

    /// Thaws etcd after ``pause()`` (SIGCONT).
    public func resume() { signal(SIGCONT) }

    private func signal(_ number: Int32) {
        process.withLock { current in
            guard let current, current.isRunning else { return }
            kill(current.processIdentifier, number)
        }
    }

    /// One `GET /health` over a plain socket: true when etcd answers `"health":"true"`.
    public func isHealthy() -> Bool {
        guard let reply = Self.httpGet(port: clientPort, path: "/health") else { return false }
        return reply.contains("\"health\":\"true\"")
    }

    private func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(2_000))
    }

    /// `count` distinct ports the kernel reports free on 127.0.0.1 (bound to port 0, then released).
    public static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw StartError(description: "socket: errno \(errno)") }
            sockets.append(socket)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    guard bind(socket, generic, length) == 0 else { return false }
                    return getsockname(socket, generic, &length) == 0
                }
            }
            guard bound else { throw StartError(description: "bind: errno \(errno)") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }

    /// A blocking HTTP/1.0 GET on 127.0.0.1 with 1 s socket timeouts; the whole reply, or nil.
    static func httpGet(port: Int, path: String) -> String? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return nil }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(socket, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while reply.count < 65_536 {
            let read = recv(socket, &chunk, chunk.count, 0)
            guard read > 0 else { break }
            reply += chunk[0..<read]
        }
        return reply.isEmpty ? nil : String(decoding: reply, as: UTF8.self)
    }
}
