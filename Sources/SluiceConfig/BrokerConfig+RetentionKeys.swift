extension BrokerConfig {
    static let retentionKeys: [ConfigKey] = [
        ConfigKey(
            "log.retention.ms", type: .long, defaultValue: .unset, validator: .unlimitedOrAtLeast(1),
            importance: .high,
            documentation: "Milliseconds a segment is kept before deletion; -1 keeps it forever. When unset, "
                + "log.retention.minutes, then log.retention.hours apply."),
        ConfigKey(
            "log.retention.minutes", type: .int, defaultValue: .unset, validator: .unlimitedOrAtLeast(1),
            importance: .high,
            documentation: "Retention in minutes, used when log.retention.ms is unset; -1 keeps data forever."),
        ConfigKey(
            "log.retention.hours", type: .int, defaultValue: .value(.int(168)), validator: .unlimitedOrAtLeast(1),
            importance: .high,
            documentation: "Retention in hours, used when log.retention.ms and log.retention.minutes are unset; "
                + "-1 keeps data forever."),
        ConfigKey(
            "log.retention.bytes", type: .long, defaultValue: .value(.long(-1)), validator: .unlimitedOrAtLeast(0),
            importance: .high,
            documentation: "Bytes a partition may hold before its oldest segments are deleted; -1 means no limit."),
        ConfigKey(
            "log.retention.check.interval.ms", type: .long, defaultValue: .value(.long(300_000)),
            validator: .atLeast(1), importance: .medium,
            documentation: "How often in milliseconds retention is enforced."),
    ]
}
