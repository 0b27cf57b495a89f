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
                + "milliseconds is removed from the ISR. No effect on a single broker (embedded metadata store; "
                + "accepted with a warning)."),
        ConfigKey(
            "replica.fetch.wait.max.ms", type: .int, defaultValue: .value(.int(500)), validator: .atLeast(0),
            importance: .medium,
            documentation: "How long a follower's fetch waits at the leader for new records before it is answered "
                + "empty. Keep it below replica.lag.time.max.ms."),
        ConfigKey(
            "replica.fetch.min.bytes", type: .int, defaultValue: .value(.int(1)), validator: .atLeast(1),
            importance: .medium,
            documentation: "Record bytes a follower's fetch waits for (up to replica.fetch.wait.max.ms)."),
        ConfigKey(
            "replica.fetch.max.bytes", type: .int, defaultValue: .value(.int(1_048_576)), validator: .atLeast(1),
            importance: .medium,
            documentation: "Record bytes a follower asks for per partition in one fetch (at least one whole batch "
                + "is always returned)."),
        ConfigKey(
            "replica.fetch.response.max.bytes", type: .int, defaultValue: .value(.int(10_485_760)),
            validator: .atLeast(1), importance: .medium,
            documentation: "Record bytes a follower asks for in one fetch over all its partitions."),
        ConfigKey(
            "replica.fetch.backoff.ms", type: .int, defaultValue: .value(.int(1000)), validator: .atLeast(0),
            importance: .medium,
            documentation: "How long a follower waits before fetching again from a leader that failed or "
                + "answered with an error for the partition."),
        ConfigKey(
            "broker.session.timeout.ms", type: .long, defaultValue: .value(.long(9000)), validator: .atLeast(1000),
            importance: .high,
            documentation: "The broker's metadata session (its etcd lease TTL, rounded up to whole seconds): a "
                + "broker that has not kept it alive for this long is considered lost and its partitions get "
                + "new leaders. It also bounds how long a broker cut off from etcd keeps leading."),
        ConfigKey(
            "broker.heartbeat.interval.ms", type: .long, defaultValue: .value(.long(2000)), validator: .atLeast(10),
            importance: .medium,
            documentation: "How often the broker keeps its metadata session alive; keep it well below "
                + "broker.session.timeout.ms."),
        ConfigKey(
            "auto.leader.rebalance.enable", type: .boolean, defaultValue: .value(.boolean(true)),
            importance: .high,
            documentation: "Whether the controller periodically moves leadership back to each partition's "
                + "preferred (first assigned) replica when a broker's share of its preferred partitions led "
                + "elsewhere exceeds leader.imbalance.per.broker.percentage."),
        ConfigKey(
            "leader.imbalance.check.interval.seconds", type: .long, defaultValue: .value(.long(300)),
            validator: .atLeast(1), importance: .high,
            documentation: "How often the controller checks for leader imbalance."),
        ConfigKey(
            "leader.imbalance.per.broker.percentage", type: .int, defaultValue: .value(.int(10)),
            validator: .range(min: 0, max: 100), importance: .high,
            documentation: "The share (in percent) of a broker's preferred partitions led by other brokers above "
                + "which the controller triggers a preferred leader election."),
        ConfigKey(
            "controlled.shutdown.enable", type: .boolean, defaultValue: .value(.boolean(true)),
            importance: .medium,
            documentation: "Whether a stopping broker (SIGTERM, systemctl stop) first asks the controller to move "
                + "the leadership of its partitions to other in-sync replicas."),
        ConfigKey(
            "auto.create.topics.enable", type: .boolean, defaultValue: .value(.boolean(true)),
            importance: .high,
            documentation: "Whether a Metadata or Produce request for an unknown topic creates it, with "
                + "num.partitions and default.replication.factor. True by default, as in Kafka: Kafka's clients "
                + "(kcat, librdkafka, kafka-python) expect to produce to a topic they name. Set false so a "
                + "misspelt topic fails (UNKNOWN_TOPIC_OR_PARTITION) instead of appearing; a Kafka client's "
                + "Metadata request that disallows creation (v4+) never creates."),
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
