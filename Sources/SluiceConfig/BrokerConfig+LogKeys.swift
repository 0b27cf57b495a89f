extension BrokerConfig {
    static let logKeys: [ConfigKey] = [
        ConfigKey(
            "log.dirs", type: .list, defaultValue: .unset, validator: logDirsValidator, importance: .high,
            documentation: "Comma-separated data directories. When unset, log.dir is used."),
        ConfigKey(
            "log.dir", type: .list, defaultValue: .value(.list(["/tmp/sluice-logs"])), validator: logDirsValidator,
            importance: .high,
            documentation: "The data directory used when log.dirs is unset (Kafka's older key). The default "
                + "is under /tmp, which is fine for trying Sluice and wrong for production."),
        ConfigKey(
            "log.segment.bytes", type: .int, defaultValue: .value(.int(1_073_741_824)), validator: .atLeast(14),
            importance: .high, documentation: "The largest size in bytes of one log segment file before it rolls."),
        ConfigKey(
            "log.index.interval.bytes", type: .int, defaultValue: .value(.int(4096)), validator: .atLeast(0),
            importance: .medium, documentation: "Bytes of records between two entries of the sparse offset index."),
        ConfigKey(
            "log.flush.interval.messages", type: .long, defaultValue: .value(.long(Int64.max)),
            validator: .atLeast(1), importance: .high,
            documentation: "Records appended to a partition before it is fsynced. The default leaves "
                + "flushing to the operating system; durability comes from replication."),
        ConfigKey(
            "log.flush.interval.ms", type: .long, defaultValue: .unset, validator: .atLeast(0), importance: .high,
            documentation: "Milliseconds a record may stay unflushed before an fsync. When unset, "
                + "log.flush.scheduler.interval.ms applies (Kafka's fallback); with both unset the OS flushes."),
        ConfigKey(
            "log.flush.scheduler.interval.ms", type: .long, defaultValue: .value(.long(Int64.max)),
            validator: .atLeast(0), importance: .high,
            documentation: "How often in milliseconds the flusher checks whether a log needs an fsync (at most "
                + "every second when unset), and the flush interval when log.flush.interval.ms is unset."),
    ]

    /// Non-empty and without repeats: two entries naming one directory would hold one partition twice.
    private static let logDirsValidator = ConfigValidator.custom(
        expectation: "a non-empty comma-separated list of distinct directories"
    ) { value in
        guard case .list(let directories) = value else { return "not a list" }
        guard !directories.isEmpty else { return "empty" }
        return Set(directories).count == directories.count ? nil : "a directory appears twice"
    }
}
