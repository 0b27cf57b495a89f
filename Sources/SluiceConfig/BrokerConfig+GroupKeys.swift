extension BrokerConfig {
    /// The group coordinator's keys (Kafka's names and defaults).
    static let groupKeys: [ConfigKey] = [
        ConfigKey(
            "offsets.topic.num.partitions", type: .int, defaultValue: .value(.int(50)), validator: .atLeast(1),
            importance: .high,
            documentation: "Partitions of the internal __consumer_offsets topic, created when a client first looks "
                + "for a group coordinator. A group's coordinator is the leader of partition "
                + "abs(hashCode(group.id)) % this. Fixed once the topic exists."),
        ConfigKey(
            "offsets.topic.replication.factor", type: .int, defaultValue: .value(.int(3)), validator: .atLeast(1),
            importance: .high,
            documentation: "Replication factor of __consumer_offsets. Unlike Kafka, which refuses to create the "
                + "topic until this many brokers are alive, Sluice creates it with as many replicas as brokers are "
                + "registered when fewer (a single broker: 1), so groups work on a one-node install."),
        ConfigKey(
            "group.initial.rebalance.delay.ms", type: .int, defaultValue: .value(.int(3_000)), validator: .atLeast(0),
            importance: .medium,
            documentation: "How long the coordinator waits for more consumers to join an empty group before the "
                + "first rebalance completes, so consumers started together share one generation."),
        ConfigKey(
            "group.min.session.timeout.ms", type: .int, defaultValue: .value(.int(6_000)), validator: .atLeast(1),
            importance: .medium,
            documentation: "The smallest session.timeout.ms a consumer may ask for (INVALID_SESSION_TIMEOUT "
                + "below)."),
        ConfigKey(
            "group.max.session.timeout.ms", type: .int, defaultValue: .value(.int(1_800_000)), validator: .atLeast(1),
            importance: .medium,
            documentation: "The largest session.timeout.ms a consumer may ask for (INVALID_SESSION_TIMEOUT "
                + "above)."),
        ConfigKey(
            "offsets.commit.timeout.ms", type: .int, defaultValue: .value(.int(5_000)), validator: .atLeast(1),
            importance: .medium,
            documentation: "How long an offset commit waits for every in-sync replica of its __consumer_offsets "
                + "partition before it fails with COORDINATOR_NOT_AVAILABLE (the consumer retries)."),
        ConfigKey(
            "offsets.retention.minutes", type: .int, defaultValue: .value(.int(10_080)), validator: .atLeast(1),
            importance: .high,
            documentation: "How long the committed offsets of a group without members are kept: they expire this "
                + "long after the group became empty and after their commit (Kafka's KIP-211 rule; a consumer that "
                + "assigns partitions itself is timed from its commit). A group with members keeps its offsets. "
                + "Expired offsets are deleted with tombstone records."),
        ConfigKey(
            "offsets.retention.check.interval.ms", type: .long, defaultValue: .value(.long(600_000)),
            validator: .atLeast(1), importance: .medium,
            documentation: "How often the coordinator expires stale offsets and rewrites the live commits whose "
                + "newest record is older than half of offsets.topic.retention.ms, so retention never deletes "
                + "the last copy of a live commit."),
        ConfigKey(
            "offsets.topic.retention.ms", type: .long, defaultValue: .value(.long(86_400_000)),
            validator: .unlimitedOrAtLeast(1), importance: .medium,
            documentation: "Sluice's own key: retention.ms of __consumer_offsets, which Sluice bounds by time where "
                + "Kafka compacts it. Live commits are rewritten before they age out (see "
                + "offsets.retention.check.interval.ms, which must be less than half of this); -1 keeps every "
                + "record forever. Applied when the topic is created."),
        ConfigKey(
            "offsets.topic.segment.bytes", type: .int, defaultValue: .value(.int(104_857_600)),
            validator: .atLeast(14), importance: .low,
            documentation: "segment.bytes of __consumer_offsets: only whole segments are deleted, so this bounds "
                + "what a quiet offsets partition keeps beyond offsets.topic.retention.ms. Applied when the topic "
                + "is created."),
        ConfigKey(
            "offset.metadata.max.bytes", type: .int, defaultValue: .value(.int(4_096)), validator: .atLeast(0),
            importance: .low,
            documentation: "The largest metadata string a consumer may commit with an offset "
                + "(OFFSET_METADATA_TOO_LARGE above)."),
    ]
}
