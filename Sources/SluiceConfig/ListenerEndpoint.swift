/// One entry of Kafka's `listeners` / `advertised.listeners`: `NAME://host:port`, like Kafka's
/// `EndPoint`. Only the `PLAINTEXT` listener (and security protocol) exists in Sluice.
public struct ListenerEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The listener name, upper-case; always `PLAINTEXT` for now.
    public let name: String
    /// Where it binds or is reached.
    public let address: HostPort

    /// The listener names Sluice supports; Kafka's `SSL`, `SASL_*` and custom names
    /// (`listener.security.protocol.map`) are refused.
    public static let supportedNames: Set<String> = ["PLAINTEXT"]

    /// Creates an endpoint; `name` must be supported.
    public init(name: String, address: HostPort) {
        precondition(Self.supportedNames.contains(name), "listener \(name) is not supported")
        self.name = name
        self.address = address
    }

    /// Host name or address; empty means every interface (bind side only).
    public var host: String { address.host }
    /// TCP port; 0 means "pick a free port" (bind side only).
    public var port: Int { address.port }

    /// `PLAINTEXT://host:port`.
    public var description: String { "\(name)://\(address)" }

    /// Parses a comma-separated listener list as `listeners` (`advertised: false`: empty host and
    /// port 0 allowed) or `advertised.listeners` (`advertised: true`: a routable host and a real
    /// port). Names must be unique, as Kafka requires. Pure.
    static func parseList(_ entries: [String], advertised: Bool) throws(ValueRejection) -> [ListenerEndpoint] {
        guard !entries.isEmpty else { throw ValueRejection("empty") }
        var endpoints: [ListenerEndpoint] = []
        for entry in entries {
            let endpoint = try parse(Substring(entry), advertised: advertised)
            guard !endpoints.contains(where: { $0.name == endpoint.name }) else {
                throw ValueRejection("listener name \(endpoint.name) appears twice")
            }
            endpoints.append(endpoint)
        }
        assert(endpoints.count == entries.count, "one endpoint per entry")
        return endpoints
    }

    private static func parse(_ text: Substring, advertised: Bool) throws(ValueRejection) -> ListenerEndpoint {
        guard let separator = text.firstRange(of: "://") else {
            throw ValueRejection("'\(text)' is not NAME://host:port")
        }
        let name = text[..<separator.lowerBound].uppercased()
        guard supportedNames.contains(name) else {
            throw ValueRejection("listener \(name.isEmpty ? "''" : name) is not supported (only PLAINTEXT)")
        }
        let address = try HostPort.parse(
            text[separator.upperBound...], allowsEmptyHost: !advertised,
            portsAllowed: advertised ? 1...65535 : 0...65535)
        if advertised, address.host == "0.0.0.0" || address.host == "::" {
            throw ValueRejection("cannot advertise the non-routable address \(address.host)")
        }
        return ListenerEndpoint(name: name, address: address)
    }
}
