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
            documentation: "Where cluster metadata lives: embedded (one broker, a file in its data directory) "
                + "or an etcd cluster, for multi-broker clusters."),
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
