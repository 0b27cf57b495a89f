/// Start-up warnings about a configuration that parses but deserves the operator's attention. Pure.
///
/// Nothing here stops the broker: a key given twice is legal in a `.properties` file (the last value wins, as
/// Java's `Properties` does) and a replication key is harmless on a single broker. Each warning is one sentence
/// that names the key, so it can be found in the file.
enum ConfigWarnings {
    /// Keys that only mean something once brokers replicate; set on a single broker they are kept, not used.
    static let replicationOnlyKeys = [
        "replica.lag.time.max.ms", "unclean.leader.election.enable", "replica.fetch.wait.max.ms",
        "replica.fetch.min.bytes", "replica.fetch.max.bytes", "replica.fetch.response.max.bytes",
        "replica.fetch.backoff.ms",
    ]

    /// A key set on several lines of the file, or by several `--override`s: the operator may be editing the
    /// wrong line. An override of a file key is the point of `--override` and is not warned about.
    static func repeatedKeys(in properties: Properties, overrideKeys: [String]) -> [String] {
        var warnings: [String] = []
        for entry in properties.entries {
            guard let lines = properties.repeatedKeyLines[entry.key] else { continue }
            assert(lines.count >= 2, "a repeated key has at least two lines")
            warnings.append("\(entry.key) is set \(lines.count) times in the configuration file (lines "
                + lines.map(String.init).joined(separator: ", ") + "); the last value '\(entry.value)' is used")
        }
        var overrides: [String: Int] = [:]
        for key in overrideKeys { overrides[key, default: 0] += 1 }
        for key in Set(overrideKeys).sorted() where overrides[key]! > 1 {
            warnings.append("--override \(key) is given \(overrides[key]!) times; the last one is used")
        }
        return warnings
    }

    /// Keys set explicitly that have no effect here: replication settings on a single broker (the embedded
    /// metadata store has no followers).
    static func withoutEffect(_ values: ConfigValues) -> [String] {
        guard values.string("metadata.store") == "embedded" else { return [] }
        return replicationOnlyKeys.filter { values.isSet($0) }.map { key in
            "\(key) has no effect on a single broker (embedded metadata store, no followers); "
                + "it applies once the broker runs in a cluster (metadata.store=etcd://…)"
        }
    }
}
