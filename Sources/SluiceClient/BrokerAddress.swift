import SluiceWire

/// A broker's `host:port`, as given in `--bootstrap-server` / `bootstrap.servers` or advertised in metadata.
///
/// IPv6 literals are written in brackets (`[::1]:9092`), as Kafka's clients expect them.
public struct BrokerAddress: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IP literal (IPv6 without brackets).
    public let host: String
    /// The TCP port, 1...65535.
    public let port: Int

    /// An address from its parts; the port must be in 1...65535.
    public init(host: String, port: Int) {
        precondition(!host.isEmpty, "a broker address needs a host")
        precondition((1...65_535).contains(port), "port \(port) is outside 1...65535")
        self.host = host
        self.port = port
    }

    /// The address a broker advertises in Metadata and DescribeCluster.
    public init(_ broker: BrokerInfo) {
        self.init(host: broker.host, port: Int(broker.port))
    }

    /// Parses one `host:port` (or `[v6]:port`); surrounding whitespace is ignored.
    public init(parsing text: String) throws(BrokerAddressError) {
        let trimmed = text.trimmingWhitespace()
        if let colon = trimmed.firstIndex(of: ":"), trimmed[colon...].hasPrefix("://") {
            // `PLAINTEXT://host:9092` is a listener, as in server.properties; a client takes the address alone.
            let rest = trimmed[trimmed.index(colon, offsetBy: 3)...]
            throw BrokerAddressError(
                input: text, reason: "drop the scheme '\(trimmed[..<colon])://': write host:port, as in '\(rest)'")
        }
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw BrokerAddressError(input: text, reason: "no port (expected host:port)")
        }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw BrokerAddressError(input: text, reason: "an IPv6 address must be in brackets, as in [::1]:9092")
        }
        guard !host.isEmpty else { throw BrokerAddressError(input: text, reason: "no host (expected host:port)") }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw BrokerAddressError(input: text, reason: "port '\(portText)' is not a number in 1...65535")
        }
        self.init(host: host, port: port)
    }

    /// Parses a list of addresses; each element may itself be a comma-separated list, as Kafka's tools accept.
    /// Empty pieces (`a:1,,b:2`) are skipped; an empty result is an error.
    public static func parseList(_ list: [String]) throws(BrokerAddressError) -> [BrokerAddress] {
        var addresses: [BrokerAddress] = []
        for element in list {
            for piece in element.split(separator: ",") where !String(piece).trimmingWhitespace().isEmpty {
                addresses.append(try BrokerAddress(parsing: String(piece)))
            }
        }
        guard !addresses.isEmpty else {
            throw BrokerAddressError(input: list.joined(separator: ","), reason: "no bootstrap server given")
        }
        return addresses
    }

    /// `host:port`, with brackets around an IPv6 literal.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation on this path).
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
