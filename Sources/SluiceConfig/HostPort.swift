/// A host and a TCP port as written in configuration: `127.0.0.1:9192`, `broker-1:9092`,
/// `[::1]:9092` (IPv6 in brackets, stored without them).
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address, without brackets; empty means every interface (only where the key
    /// allows it, as Kafka's `listeners` does).
    public let host: String
    /// TCP port, 0...65535; 0 asks the kernel for a free port (only where the key allows it).
    public let port: Int

    /// Creates an address; `port` must be in 0...65535.
    public init(host: String, port: Int) {
        precondition((0...65535).contains(port), "port \(port) out of range")
        self.host = host
        self.port = port
    }

    /// `host:port`, with an IPv6 host in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Why `text` is not `host:port` or `[ipv6]:port` with a port in `portsAllowed` (a non-empty host), or
    /// nil when it is: for other modules' keys that take addresses (a producer's `bootstrap.servers`). Pure.
    public static func rejection(of text: String, portsAllowed: ClosedRange<Int>) -> String? {
        do {
            _ = try parse(Substring(text), allowsEmptyHost: false, portsAllowed: portsAllowed)
            return nil
        } catch {
            return error.reason
        }
    }

    /// Parses `host:port` or `[ipv6]:port`. Pure.
    /// - Parameters:
    ///   - allowsEmptyHost: whether `:9092` (every interface) is allowed.
    ///   - portsAllowed: the allowed port range; `0...65535` lets 0 pick a free port.
    static func parse(
        _ text: Substring, allowsEmptyHost: Bool, portsAllowed: ClosedRange<Int>
    ) throws(ValueRejection) -> HostPort {
        if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
            let rest = text[text.index(colon, offsetBy: 3)...]
            throw ValueRejection(
                "drop the scheme '\(text[..<colon])://' from '\(text)': write host:port, as in '\(rest)'")
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ValueRejection("unterminated '[' in '\(text)'") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ValueRejection("missing port in '\(text)'") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw ValueRejection("missing port in '\(text)'") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { throw ValueRejection("IPv6 address must be in brackets in '\(text)'") }
        }
        guard allowsEmptyHost || !host.isEmpty else { throw ValueRejection("missing host in '\(text)'") }
        guard host.unicodeScalars.allSatisfy(isHostScalar) else { throw ValueRejection("invalid host '\(host)'") }
        let port = try parsePort(portText, allowed: portsAllowed, in: text)
        return HostPort(host: String(host), port: port)
    }

    /// The port of `address`, `text`; the reasons name the whole address (a list may hold several).
    private static func parsePort(
        _ text: Substring, allowed: ClosedRange<Int>, in address: Substring
    ) throws(ValueRejection) -> Int {
        guard !text.isEmpty else { throw ValueRejection("missing port in '\(address)'") }
        let isDigits = text.count <= 9 && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
        guard isDigits, let port = Int(text) else {
            throw ValueRejection("port '\(text)' is not a number in '\(address)'")
        }
        guard allowed.contains(port) else {
            throw ValueRejection(
                "port \(port) is out of range \(allowed.lowerBound)-\(allowed.upperBound) in '\(address)'")
        }
        return port
    }

    /// Letters, digits and `.-_` for names and IPv4; `:` and `%` (zone) for IPv6.
    private static func isHostScalar(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || ".-_:%".unicodeScalars.contains(scalar)
    }
}
