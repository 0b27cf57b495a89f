/// The validated configuration of one `sluiced` broker, built from a Kafka-style `.properties` file
/// plus `--override key=value` arguments (see ``parse(fileContents:overrides:)`` and
/// ``load(path:overrides:)``). Every key, its default and its rule is listed in ``definitions``.
///
/// Names follow Kafka's keys in camelCase with the unit last (`log.segment.bytes` →
/// ``logSegmentBytes``). Sizes are plain byte counts and durations plain milliseconds, as in Kafka.
/// Keys under `gateway.` belong to the gateway and its producer: they are collected raw into
/// ``gatewayProperties`` here and validated by the server's `GatewayConfig` at start.
public struct BrokerConfig: Sendable, Hashable {
    /// `node.id`: this broker's id in the cluster, ≥ 0. Kafka's `broker.id` alias is not accepted.
    public let nodeId: Int
    /// `listeners`: where the native protocol binds. An empty host binds every interface; port 0
    /// picks a free port. Only `PLAINTEXT` exists.
    public let listeners: [ListenerEndpoint]
    /// `advertised.listeners`: what other brokers and clients are told to connect to; equal to
    /// ``listeners`` when the key is unset, in which case the server substitutes bound ports for
    /// port 0 and a reachable address for an empty host or `0.0.0.0`.
    public let advertisedListeners: [ListenerEndpoint]
    /// `http.listener`: where the HTTP endpoint (metrics, health, gateway) binds; port 0 picks a
    /// free port.
    public let httpListener: HostPort
    /// `log.dirs` (or Kafka's older `log.dir` when `log.dirs` is unset): data directories.
    public let logDirs: [String]
    /// `num.partitions`: partitions of a topic created without an explicit count, ≥ 1.
    public let numPartitions: Int
    /// `default.replication.factor`: replicas of a topic created without an explicit factor, ≥ 1.
    public let defaultReplicationFactor: Int
    /// `min.insync.replicas`: the smallest ISR for which an acks=all produce is accepted, ≥ 1.
    public let minInsyncReplicas: Int
    /// `producer.id.expiration.ms`: an idempotent producer idle this long is forgotten.
    public let producerIdExpirationMs: Int64
    /// `unclean.leader.election.enable`: whether an out-of-sync replica may become leader (data loss).
    public let uncleanLeaderElectionEnable: Bool
    /// `replica.lag.time.max.ms`: a follower not caught up for this long leaves the ISR.
    public let replicaLagTimeMaxMs: Int64
    /// `replica.fetch.wait.max.ms`: a follower's fetch long-polls the leader this long.
    public let replicaFetchWaitMaxMs: Int
    /// `replica.fetch.min.bytes`: record bytes a follower's fetch waits for.
    public let replicaFetchMinBytes: Int
    /// `replica.fetch.max.bytes`: record bytes per partition per follower fetch.
    public let replicaFetchMaxBytes: Int
    /// `replica.fetch.response.max.bytes`: record bytes per follower fetch.
    public let replicaFetchResponseMaxBytes: Int
    /// `replica.fetch.backoff.ms`: wait after a failed follower fetch.
    public let replicaFetchBackoffMs: Int
    /// `broker.session.timeout.ms`: the metadata session (etcd lease) TTL.
    public let brokerSessionTimeoutMs: Int64
    /// `broker.heartbeat.interval.ms`: how often the session is kept alive.
    public let brokerHeartbeatIntervalMs: Int64
    /// `auto.leader.rebalance.enable`: periodic preferred leader elections by the controller.
    public let autoLeaderRebalanceEnable: Bool
    /// `leader.imbalance.check.interval.seconds`: how often the controller checks leader imbalance.
    public let leaderImbalanceCheckIntervalSeconds: Int64
    /// `leader.imbalance.per.broker.percentage`: imbalance above which preferred elections run.
    public let leaderImbalancePerBrokerPercentage: Int
    /// `controlled.shutdown.enable`: a stopping broker moves its leaderships away first.
    public let controlledShutdownEnable: Bool
    /// `log.segment.bytes`: a segment rolls when it would exceed this size, ≥ 14.
    public let logSegmentBytes: Int
    /// Effective retention time: `log.retention.ms`, else `log.retention.minutes`, else
    /// `log.retention.hours` (Kafka's precedence), in milliseconds; -1 means unlimited.
    public let logRetentionMs: Int64
    /// `log.retention.bytes`: per-partition size above which old segments are deleted; -1 unlimited.
    public let logRetentionBytes: Int64
    /// `log.retention.check.interval.ms`: how often retention is enforced.
    public let logRetentionCheckIntervalMs: Int64
    /// `log.flush.interval.messages`: fsync after this many records; `Int64.max` leaves it to the OS.
    public let logFlushIntervalMessages: Int64
    /// `log.flush.interval.ms`: fsync when data is this old; `nil` (unset) defers to
    /// ``logFlushSchedulerIntervalMs``, as in Kafka.
    public let logFlushIntervalMs: Int64?
    /// `log.flush.scheduler.interval.ms`: how often the flusher checks; `Int64.max` never.
    public let logFlushSchedulerIntervalMs: Int64
    /// `log.index.interval.bytes`: bytes of records between two offset-index entries.
    public let logIndexIntervalBytes: Int
    /// `message.max.bytes`: the largest record batch the broker accepts.
    public let messageMaxBytes: Int
    /// `log.message.timestamp.before.max.ms`
    public let messageTimestampBeforeMaxMs: Int64
    /// `log.message.timestamp.after.max.ms`
    public let messageTimestampAfterMaxMs: Int64
    /// `socket.request.max.bytes`: frames above this are refused before allocation.
    public let socketRequestMaxBytes: Int
    /// `num.network.threads`: event-loop threads that accept connections and read, frame and answer requests
    /// (native and HTTP), ≥ 1.
    public let numNetworkThreads: Int
    /// `num.io.threads`: threads of the pool that runs blocking disk work (maintenance: retention, time-based
    /// flushes, checkpoints) off the event loops and the cooperative pool, ≥ 1.
    public let numIoThreads: Int
    /// `auto.create.topics.enable`: whether Metadata and Produce for an unknown topic create it (with
    /// ``numPartitions`` and ``defaultReplicationFactor``); false by default, unlike Kafka.
    public let autoCreateTopicsEnable: Bool
    /// `delete.topic.enable`: whether DeleteTopics is allowed; when false it is refused with
    /// TOPIC_DELETION_DISABLED.
    public let deleteTopicEnable: Bool
    /// `metadata.store`: `embedded` or `etcd://host:port[,host:port…]`.
    public let metadataStore: MetadataStore
    /// `cluster.id`: the cluster's name, also the etcd key prefix `/sluice/<cluster.id>/`.
    public let clusterId: String
    /// `metrics.enabled`: Sluice's switch for Prometheus exposition, to measure its cost.
    public let metricsEnabled: Bool
    /// `shutdown.timeout.ms`: the bound on a graceful stop; past it the process exits anyway (status 1) and the
    /// next start recovers the logs it did not close.
    public let shutdownTimeoutMs: Int64
    /// Problems that do not stop the broker, one sentence each, for `sluiced` to log as warnings at start: a key
    /// given twice, a key that has no effect in this build (a replication setting on a single broker).
    public let warnings: [String]
    /// `gateway.*`: the gateway producer's settings with the prefix removed (`gateway.linger.ms` →
    /// `linger.ms`), raw; `GatewayConfig` in SluiceServer validates them at start.
    public let gatewayProperties: [String: String]
    /// `offsets.topic.num.partitions`
    public let offsetsTopicNumPartitions: Int
    /// `offsets.topic.replication.factor`: capped at the brokers registered when the topic is created.
    public let offsetsTopicReplicationFactor: Int
    /// `group.initial.rebalance.delay.ms`
    public let groupInitialRebalanceDelayMs: Int
    /// `group.min.session.timeout.ms`
    public let groupMinSessionTimeoutMs: Int
    /// `group.max.session.timeout.ms`
    public let groupMaxSessionTimeoutMs: Int
    /// `offsets.commit.timeout.ms`
    public let offsetsCommitTimeoutMs: Int
    /// `offset.metadata.max.bytes`
    public let offsetMetadataMaxBytes: Int
    /// `offsets.retention.minutes`, in milliseconds.
    public let offsetsRetentionMs: Int64
    /// `offsets.retention.check.interval.ms`
    public let offsetsRetentionCheckIntervalMs: Int64
    /// `offsets.topic.retention.ms`: -1 keeps the internal topic's records forever.
    public let offsetsTopicRetentionMs: Int64
    /// `offsets.topic.segment.bytes`
    public let offsetsTopicSegmentBytes: Int
    /// Every key with its value and whether it was set: what Kafka's DescribeConfigs reports for this broker.
    public let entries: [ConfigEntry]
}
