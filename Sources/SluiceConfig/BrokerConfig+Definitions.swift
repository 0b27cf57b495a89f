extension BrokerConfig {
    /// Every key `sluiced` accepts, with type, default, rule, importance and documentation, in the
    /// order `--help-config` prints them; plus the reserved `gateway.` prefix.
    public static let definitions = ConfigDefinition(
        keys: networkKeys + replicationKeys + groupKeys + logKeys + retentionKeys + sluiceKeys,
        prefixes: [
            ConfigPrefix(
                "gateway.",
                documentation: "Settings of the gateway's producer, Kafka producer keys under this prefix "
                    + "(gateway.linger.ms, gateway.acks), plus gateway.enable and gateway.max.request.bytes. "
                    + "Collected here; the server validates them at start (exit 78 naming the key).")
        ]
    )

    static let networkKeys: [ConfigKey] = [
        ConfigKey(
            "node.id", type: .int, defaultValue: .value(.int(1)), validator: .atLeast(0), importance: .high,
            documentation: "The id of this broker, unique in the cluster. Kafka requires it; Sluice defaults "
                + "to 1 for a single node. Kafka's broker.id alias is not accepted."),
        ConfigKey(
            "listeners", type: .list, defaultValue: .value(.list(["PLAINTEXT://127.0.0.1:9092"])),
            validator: listenersValidator(advertised: false), importance: .high,
            documentation: "Where the native protocol listens, as NAME://host:port. Only PLAINTEXT exists. "
                + "An empty host (PLAINTEXT://:9092) binds every interface, IPv6 and IPv4; port 0 picks a free "
                + "port. A port in use stops the broker at once (exit 1) naming the listener."),
        ConfigKey(
            "advertised.listeners", type: .list, defaultValue: .unset,
            validator: listenersValidator(advertised: true), importance: .high,
            documentation: "The addresses given to clients and other brokers, as NAME://host:port. Unset "
                + "means the same as listeners, with bound ports in place of port 0 and this machine's host name "
                + "in place of an empty host or 0.0.0.0. A wildcard (0.0.0.0, ::) cannot be advertised."),
        ConfigKey(
            "http.listener", type: .string, defaultValue: .value(.string("127.0.0.1:9192")),
            validator: .custom(expectation: "host:port (port 0-65535, 0 picks a free port)") { value in
                guard case .string(let text) = value else { return "not a string" }
                return ValueRejection.reason {
                    () throws(ValueRejection) in
                    try HostPort.parse(Substring(text), allowsEmptyHost: false, portsAllowed: 0...65535)
                }
            },
            importance: .high,
            documentation: "Where the HTTP endpoint (/metrics, /health, /ready, the producer gateway) listens. "
                + "It answers from the start, /ready 503 until the logs are recovered; a port in use stops the "
                + "broker at once (exit 1)."),
        ConfigKey(
            "num.network.threads", type: .int, defaultValue: .value(.int(3)), validator: .atLeast(1),
            importance: .high,
            documentation: "Event-loop threads that accept connections and read, decode and answer requests, for "
                + "the native and the HTTP listener."),
        ConfigKey(
            "num.io.threads", type: .int, defaultValue: .value(.int(8)), validator: .atLeast(1),
            importance: .high,
            documentation: "Threads of the pool for blocking disk work kept off the event loops: retention, "
                + "time-based flushes, checkpoints and the final close."),
        ConfigKey(
            "socket.request.max.bytes", type: .int, defaultValue: .value(.int(104_857_600)),
            validator: .atLeast(1), importance: .high,
            documentation: "The largest request frame in bytes; a larger frame is refused before any "
                + "buffer of its size is allocated."),
        ConfigKey(
            "message.max.bytes", type: .int, defaultValue: .value(.int(1_048_588)), validator: .atLeast(0),
            importance: .high, documentation: "The largest record batch in bytes the broker accepts."),
        ConfigKey(
            "log.message.timestamp.before.max.ms", type: .long, defaultValue: .value(.long(Int64.max)),
            validator: .atLeast(0), importance: .medium,
            documentation: "How far in the past a producer's CreateTime timestamp may be: a batch whose first or "
                + "largest timestamp is older than this before the broker's clock is refused with "
                + "INVALID_TIMESTAMP. Checked on the batch header (Sluice does not decompress), not per record."),
        ConfigKey(
            "log.message.timestamp.after.max.ms", type: .long, defaultValue: .value(.long(Int64.max)),
            validator: .atLeast(0), importance: .medium,
            documentation: "How far in the future a producer's CreateTime timestamp may be (see "
                + "log.message.timestamp.before.max.ms)."),
    ]

    private static func listenersValidator(advertised: Bool) -> ConfigValidator {
        let expectation =
            advertised
            ? "a comma-separated list of PLAINTEXT://host:port (a routable host, port 1-65535)"
            : "a comma-separated list of PLAINTEXT://host:port (empty host: every interface; port 0-65535)"
        return .custom(expectation: expectation) { value in
            guard case .list(let entries) = value else { return "not a list" }
            return ValueRejection.reason {
                () throws(ValueRejection) in try ListenerEndpoint.parseList(entries, advertised: advertised)
            }
        }
    }
}
