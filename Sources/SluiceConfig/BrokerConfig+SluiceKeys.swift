extension BrokerConfig {
    /// Keys that are Sluice's own, with no Kafka counterpart.
    static let sluiceKeys: [ConfigKey] = [
        ConfigKey(
            "metadata.store", type: .string, defaultValue: .value(.string("embedded")),
            validator: .custom(expectation: "embedded or etcd://host:port[,host:port...]") { value in
                guard case .string(let text) = value else { return "not a string" }
                return ValueRejection.reason { () throws(ValueRejection) in try MetadataStore.parse(text) }
            },
            importance: .high,
            documentation: "Where cluster metadata lives: embedded (one broker, a file in its data directory). "
                + "etcd://host:port[,host:port...] (multi-broker clusters) is parsed but refused until the etcd "
                + "store is built."),
        ConfigKey(
            "cluster.id", type: .string, defaultValue: .value(.string("sluice")),
            validator: .custom(expectation: "1-255 letters, digits, '.', '_' or '-'") { value in
                guard case .string(let text) = value else { return "not a string" }
                return isClusterId(text) ? nil : "not a valid cluster id"
            },
            importance: .high,
            documentation: "The cluster's name. Brokers of one cluster share it; it prefixes the cluster's "
                + "etcd keys (/sluice/<cluster.id>/)."),
        ConfigKey(
            "shutdown.timeout.ms", type: .long, defaultValue: .value(.long(30_000)), validator: .atLeast(1),
            importance: .medium,
            documentation: "The bound on a graceful stop (SIGTERM, SIGINT): the gateway drains, listeners close and "
                + "every log is flushed and closed within this many milliseconds, else the process exits with "
                + "status 1 and the next start recovers the logs it did not close."),
        ConfigKey(
            "metrics.enabled", type: .boolean, defaultValue: .value(.boolean(true)), importance: .low,
            documentation: "Whether metrics are collected and served on /metrics. Turn off only to measure "
                + "what observability costs."),
    ]

    /// A cluster id goes into etcd key paths: no `/`, no spaces, not `.` or `..`.
    private static func isClusterId(_ text: String) -> Bool {
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || "._-".unicodeScalars.contains(scalar))
        }
        return allowed && (1...255).contains(text.count) && text != "." && text != ".."
    }
}
