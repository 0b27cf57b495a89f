import SluiceStorage
import SluiceWire

/// Per-topic configuration overrides (Kafka's topic-level keys), validated at CreateTopics.
public struct TopicConfig: Sendable, Hashable {
    /// The topic-level keys Sluice understands, with the broker key each one overrides.
    public static let knownKeys: [String: String] = [
        "retention.ms": "log.retention.ms",
        "retention.bytes": "log.retention.bytes",
        "segment.bytes": "log.segment.bytes",
        "max.message.bytes": "message.max.bytes",
        "min.insync.replicas": "min.insync.replicas",
        "flush.messages": "log.flush.interval.messages",
        "flush.ms": "log.flush.interval.ms",
        "index.interval.bytes": "log.index.interval.bytes",
        "unclean.leader.election.enable": "unclean.leader.election.enable",
        "message.timestamp.before.max.ms": "log.message.timestamp.before.max.ms",
        "message.timestamp.after.max.ms": "log.message.timestamp.after.max.ms",
    ]

    /// Keys whose value is `true` or `false` (the others are integers).
    static let booleanKeys: Set<String> = ["unclean.leader.election.enable"]

    public let overrides: [String: String]

    /// Validates `overrides`: every key known, every value an integer in range.
    public init(_ overrides: [String: String]) throws(SluiceError) {
        for (key, value) in overrides {
            guard Self.knownKeys[key] != nil else {
                let known = Self.knownKeys.keys.sorted().joined(separator: ", ")
                throw SluiceError(.invalidConfig, "unknown topic configuration '\(key)' (known: \(known))")
            }
            if Self.booleanKeys.contains(key) {
                guard value == "true" || value == "false" else {
                    throw SluiceError(
                        .invalidConfig, "invalid value '\(value)' for topic configuration \(key): expected true or false")
                }
                continue
            }
            guard let number = Int64(value) else {
                throw SluiceError(.invalidConfig, "invalid value '\(value)' for topic configuration \(key): not an integer")
            }
            let minimum: Int64 = switch key {
            case "retention.ms", "retention.bytes": -1
            case "segment.bytes": 14
            case "min.insync.replicas", "flush.messages", "flush.ms": 1
            default: 0
            }
            guard number >= minimum else {
                throw SluiceError(.invalidConfig, "invalid value '\(value)' for topic configuration \(key): must be at least \(minimum)")
            }
        }
        self.overrides = overrides
    }

    private func int64(_ key: String) -> Int64? { overrides[key].flatMap { Int64($0) } }

    /// The broker's log config with this topic's overrides applied.
    public func logConfig(base: LogConfig) -> LogConfig {
        var config = base
        if let value = int64("retention.ms") { config.retentionMs = value }
        if let value = int64("retention.bytes") { config.retentionBytes = value }
        if let value = int64("segment.bytes") { config.segmentBytes = Int(value) }
        if let value = int64("max.message.bytes") { config.maxMessageBytes = Int(value) }
        if let value = int64("message.timestamp.before.max.ms") { config.timestampBeforeMaxMs = value }
        if let value = int64("message.timestamp.after.max.ms") { config.timestampAfterMaxMs = value }
        if let value = int64("flush.messages") { config.flushIntervalMessages = value }
        if let value = int64("flush.ms") { config.flushIntervalMs = value }
        if let value = int64("index.interval.bytes") { config.indexIntervalBytes = Int(value) }
        return config
    }

    /// `min.insync.replicas` for this topic.
    public func minInsyncReplicas(base: Int) -> Int { int64("min.insync.replicas").map { Int($0) } ?? base }
}
