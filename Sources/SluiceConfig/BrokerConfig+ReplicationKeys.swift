extension BrokerConfig {
    static let replicationKeys: [ConfigKey] = [
        ConfigKey(
            "num.partitions", type: .int, defaultValue: .value(.int(1)), validator: .atLeast(1), importance: .medium,
            documentation: "Partitions of a topic created without an explicit partition count."),
        ConfigKey(
            "default.replication.factor", type: .int, defaultValue: .value(.int(1)), validator: .atLeast(1),
            importance: .medium, documentation: "Replicas of a topic created without an explicit replication factor."),
        ConfigKey(
            "min.insync.replicas", type: .int, defaultValue: .value(.int(1)), validator: .atLeast(1),
            importance: .high,
            documentation: "With acks=all, the fewest in-sync replicas for which a produce is accepted; "
                + "below it the broker answers NOT_ENOUGH_REPLICAS."),
        ConfigKey(
            "unclean.leader.election.enable", type: .boolean, defaultValue: .value(.boolean(false)),
            importance: .high,
            documentation: "Whether a replica outside the ISR may become leader when no in-sync replica is "
                + "alive. Keeps the partition available at the cost of acknowledged data. No effect on a single "
                + "broker (accepted with a warning) until replication exists."),
        ConfigKey(
            "replica.lag.time.max.ms", type: .long, defaultValue: .value(.long(30_000)), validator: .atLeast(1),
            importance: .high,
            documentation: "A follower that has not caught up to the leader's log end for this many "
                + "milliseconds is removed from the ISR. No effect on a single broker (accepted with a warning) "
                + "until replication exists."),
        ConfigKey(
            "auto.create.topics.enable", type: .boolean, defaultValue: .value(.boolean(false)),
            importance: .high,
            documentation: "Whether a Metadata or Produce request for an unknown topic creates it, with "
                + "num.partitions and default.replication.factor. False by default, unlike Kafka's true: Sluice "
                + "topics are created explicitly (sluice topics create), so a misspelt topic fails instead of "
                + "appearing."),
        ConfigKey(
            "producer.id.expiration.ms", type: .long, defaultValue: .value(.long(86_400_000)),
            validator: .atLeast(1), importance: .low,
            documentation: "How long an idempotent producer may be idle (no batch appended) before the broker "
                + "forgets its id and sequences; a retry after that is no longer recognised as a duplicate. "
                + "Kafka's default: one day."),
        ConfigKey(
            "delete.topic.enable", type: .boolean, defaultValue: .value(.boolean(true)), importance: .high,
            documentation: "Whether topics may be deleted. When false, DeleteTopics is refused with "
                + "TOPIC_DELETION_DISABLED."),
    ]
}
