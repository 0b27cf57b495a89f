/// Where cluster metadata lives (`metadata.store`), per design.md's "Coordination".
public enum MetadataStore: Sendable, Hashable, CustomStringConvertible {
    /// `embedded`: one broker, metadata in a file in its data directory.
    case embedded
    /// `etcd://host:port[,host:port…]`: an etcd cluster reached through its v3 JSON gateway.
    /// Only the syntax is checked here; whether etcd is reachable is the server's business.
    case etcd(endpoints: [HostPort])

    /// The value as written in configuration.
    public var description: String {
        switch self {
        case .embedded:
            return "embedded"
        case .etcd(let endpoints):
            return "etcd://" + endpoints.map(\.description).joined(separator: ",")
        }
    }

    /// Parses `embedded` or `etcd://host:port[,host:port…]` (hosts non-empty, ports 1-65535). Pure.
    static func parse(_ text: String) throws(ValueRejection) -> MetadataStore {
        if text == "embedded" {
            return .embedded
        }
        guard text.hasPrefix("etcd://") else {
            throw ValueRejection("unknown metadata store '\(text)'")
        }
        let list = text.dropFirst("etcd://".count)
        var endpoints: [HostPort] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = Substring(ConfigType.kafkaTrimmed(String(part)))
            guard !trimmed.isEmpty else { throw ValueRejection("empty etcd endpoint") }
            endpoints.append(try HostPort.parse(trimmed, allowsEmptyHost: false, portsAllowed: 1...65535))
        }
        assert(!endpoints.isEmpty, "split yields at least one part")
        return .etcd(endpoints: endpoints)
    }
}
