import Foundation
import NIOCore
import SluiceWire
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy in front of a broker that forwards every frame, except that it can swallow the
/// broker's responses to Produce requests — a reply lost on the network, for idempotence tests.
///
/// One accept thread and two pump threads per connection; `close()` shuts every socket it opened.
final class FrameDroppingProxy: @unchecked Sendable {
    let port: Int
    private let targetPort: Int
    private let listenFd: Int32
    private let lock = NSLock()
    private var produceResponsesToDrop: Int
    private var droppedCount = 0
    private var sockets: [Int32] = []
    private var closed = false

    /// Starts listening on a free port; the first `dropProduceResponses` Produce responses are swallowed.
    init(targetPort: Int, dropProduceResponses: Int) throws {
        self.targetPort = targetPort
        self.produceResponsesToDrop = dropProduceResponses
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0, listen(fd, 16) == 0
        else { throw BrokerProcessError("proxy bind/listen failed: errno \(errno)") }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(fd, $0, &length) } }
        listenFd = fd
        port = Int(UInt16(bigEndian: bound.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Produce responses swallowed so far.
    var dropped: Int { lock.withLock { droppedCount } }

    /// Lets every later produce response through.
    func stopDropping() {
        lock.withLock { produceResponsesToDrop = 0 }
    }

    func close() {
        let all = lock.withLock { () -> [Int32] in
            closed = true
            return sockets
        }
        shutdown(listenFd, Int32(SHUT_RDWR))
        Glibc.close(listenFd)
        for fd in all { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listenFd, nil, nil)
            guard client >= 0 else { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            let accepted = lock.withLock { () -> Bool in
                sockets += [client, upstream]
                return !closed
            }
            guard connected == 0, accepted else { Glibc.close(client); Glibc.close(upstream); continue }
            Thread.detachNewThread { [self] in pump(from: client, to: upstream, inspectResponses: false) }
            Thread.detachNewThread { [self] in pump(from: upstream, to: client, inspectResponses: true) }
        }
    }

    /// Copies whole frames from `source` to `target`; broker→client Produce responses may be swallowed.
    private func pump(from source: Int32, to target: Int32, inspectResponses: Bool) {
        defer { shutdown(source, Int32(SHUT_RDWR)); shutdown(target, Int32(SHUT_RDWR)) }
        while let frame = Self.readFrame(source) {
            if inspectResponses, shouldDrop(frame) { continue }
            var length = UInt32(frame.count).bigEndian
            guard Self.writeAll(target, withUnsafeBytes(of: &length) { Array($0) } + frame) else { return }
        }
    }

    private func shouldDrop(_ frame: [UInt8]) -> Bool {
        guard let response = try? WireCodec.decodeResponse(ByteBuffer(bytes: frame)),
              case .produce = response.body else { return false }
        return lock.withLock {
            guard produceResponsesToDrop > 0 else { return false }
            produceResponsesToDrop -= 1
            droppedCount += 1
            return true
        }
    }

    private static func readFrame(_ fd: Int32) -> [UInt8]? {
        guard let header = readExactly(fd, 4) else { return nil }
        let length = Int(UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3]))
        return readExactly(fd, length)
    }

    private static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let n = buffer[received...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            received += n
        }
        return buffer
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
