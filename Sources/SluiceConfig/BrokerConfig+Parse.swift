extension BrokerConfig {
    /// Parses a `.properties` text and `--override key=value` arguments; overrides win over the file,
    /// and a later override over an earlier one.
    /// - Throws: ``ConfigError`` for a malformed escape, a malformed override, an unknown key, an
    ///   invalid value, or inconsistent keys; the first problem found.
    public static func parse(fileContents: String, overrides: [String]) throws(ConfigError) -> BrokerConfig {
        let properties = try Properties(parsing: fileContents)
        var settings = properties.entries.map { (key: $0.key, value: $0.value) }
        var overrideKeys: [String] = []
        for argument in overrides {
            let override = try ConfigOverride(parsing: argument)
            settings.append((key: override.key, value: override.value))
            overrideKeys.append(override.key)
        }
        let values = try definitions.parse(settings)
        let warnings = ConfigWarnings.repeatedKeys(in: properties, overrideKeys: overrideKeys)
            + ConfigWarnings.withoutEffect(values)
        return try BrokerConfig(values: values, warnings: warnings)
    }

    /// Reads the file at `path` (`--config`) and parses it with `overrides`, as
    /// ``parse(fileContents:overrides:)``.
    /// - Throws: ``ConfigError`` with key `--config` and the path when the file cannot be read
    ///   (errno's text), is over 1 MiB or is not UTF-8; otherwise as ``parse(fileContents:overrides:)``.
    public static func load(path: String, overrides: [String]) throws(ConfigError) -> BrokerConfig {
        let text = try ConfigFileReader.contents(ofPath: path)
        do throws(ConfigError) {
            return try parse(fileContents: text, overrides: overrides)
        } catch  where error.code == .malformedFile {
            throw ConfigError(code: error.code, key: "--config", value: path, problem: error.problem)
        }
    }

    /// Builds the typed configuration from values parsed with ``definitions``, resolving Kafka's
    /// fallbacks (`log.dir`, retention units, `advertised.listeners`).
    init(values: ConfigValues, warnings: [String] = []) throws(ConfigError) {
        let listeners = ValueRejection.revalidated("listeners") { () throws(ValueRejection) in
            try ListenerEndpoint.parseList(values.list("listeners"), advertised: false)
        }
        nodeId = values.int("node.id")
        self.listeners = listeners
        advertisedListeners = try Self.advertisedListeners(values, listeners: listeners)
        httpListener = ValueRejection.revalidated("http.listener") { () throws(ValueRejection) in
            try HostPort.parse(
                Substring(values.string("http.listener")), allowsEmptyHost: false, portsAllowed: 0...65535)
        }
        logDirs = values.listIfSet("log.dirs") ?? values.list("log.dir")
        numPartitions = values.int("num.partitions")
        defaultReplicationFactor = values.int("default.replication.factor")
        minInsyncReplicas = values.int("min.insync.replicas")
        producerIdExpirationMs = values.long("producer.id.expiration.ms")
        uncleanLeaderElectionEnable = values.boolean("unclean.leader.election.enable")
        replicaLagTimeMaxMs = values.long("replica.lag.time.max.ms")
        replicaFetchWaitMaxMs = values.int("replica.fetch.wait.max.ms")
        replicaFetchMinBytes = values.int("replica.fetch.min.bytes")
        replicaFetchMaxBytes = values.int("replica.fetch.max.bytes")
        replicaFetchResponseMaxBytes = values.int("replica.fetch.response.max.bytes")
        replicaFetchBackoffMs = values.int("replica.fetch.backoff.ms")
        brokerSessionTimeoutMs = values.long("broker.session.timeout.ms")
        brokerHeartbeatIntervalMs = values.long("broker.heartbeat.interval.ms")
        guard brokerHeartbeatIntervalMs < brokerSessionTimeoutMs else {
            throw ConfigError(
                code: .invalidValue, key: "broker.heartbeat.interval.ms", value: String(brokerHeartbeatIntervalMs),
                problem: "must be less than broker.session.timeout.ms (\(brokerSessionTimeoutMs)), or the session "
                    + "expires between keep-alives")
        }
        autoLeaderRebalanceEnable = values.boolean("auto.leader.rebalance.enable")
        leaderImbalanceCheckIntervalSeconds = values.long("leader.imbalance.check.interval.seconds")
        leaderImbalancePerBrokerPercentage = values.int("leader.imbalance.per.broker.percentage")
        controlledShutdownEnable = values.boolean("controlled.shutdown.enable")
        logSegmentBytes = values.int("log.segment.bytes")
        logRetentionMs = Self.retentionMs(
            ms: values.longIfSet("log.retention.ms"), minutes: values.intIfSet("log.retention.minutes"),
            hours: values.int("log.retention.hours"))
        logRetentionBytes = values.long("log.retention.bytes")
        logRetentionCheckIntervalMs = values.long("log.retention.check.interval.ms")
        logFlushIntervalMessages = values.long("log.flush.interval.messages")
        logFlushIntervalMs = values.longIfSet("log.flush.interval.ms")
        logFlushSchedulerIntervalMs = values.long("log.flush.scheduler.interval.ms")
        logIndexIntervalBytes = values.int("log.index.interval.bytes")
        messageMaxBytes = values.int("message.max.bytes")
        messageTimestampBeforeMaxMs = values.long("log.message.timestamp.before.max.ms")
        messageTimestampAfterMaxMs = values.long("log.message.timestamp.after.max.ms")
        socketRequestMaxBytes = values.int("socket.request.max.bytes")
        numNetworkThreads = values.int("num.network.threads")
        numIoThreads = values.int("num.io.threads")
        autoCreateTopicsEnable = values.boolean("auto.create.topics.enable")
        deleteTopicEnable = values.boolean("delete.topic.enable")
        metadataStore = ValueRejection.revalidated("metadata.store") { () throws(ValueRejection) in
            try MetadataStore.parse(values.string("metadata.store"))
        }
        shutdownTimeoutMs = values.long("shutdown.timeout.ms")
        self.warnings = warnings
        clusterId = values.string("cluster.id")
        metricsEnabled = values.boolean("metrics.enabled")
        gatewayProperties = values.withPrefix("gateway.")
        offsetsTopicNumPartitions = values.int("offsets.topic.num.partitions")
        offsetsTopicReplicationFactor = values.int("offsets.topic.replication.factor")
        groupInitialRebalanceDelayMs = values.int("group.initial.rebalance.delay.ms")
        groupMinSessionTimeoutMs = values.int("group.min.session.timeout.ms")
        groupMaxSessionTimeoutMs = values.int("group.max.session.timeout.ms")
        guard groupMinSessionTimeoutMs <= groupMaxSessionTimeoutMs else {
            throw ConfigError(
                code: .invalidValue, key: "group.min.session.timeout.ms", value: String(groupMinSessionTimeoutMs),
                problem: "larger than group.max.session.timeout.ms (\(groupMaxSessionTimeoutMs))")
        }
        offsetsCommitTimeoutMs = values.int("offsets.commit.timeout.ms")
        offsetMetadataMaxBytes = values.int("offset.metadata.max.bytes")
        offsetsRetentionMs = Int64(values.int("offsets.retention.minutes")) * 60_000
        offsetsRetentionCheckIntervalMs = values.long("offsets.retention.check.interval.ms")
        offsetsTopicRetentionMs = values.long("offsets.topic.retention.ms")
        offsetsTopicSegmentBytes = values.int("offsets.topic.segment.bytes")
        guard offsetsTopicRetentionMs == -1 || offsetsRetentionCheckIntervalMs * 2 < offsetsTopicRetentionMs else {
            throw ConfigError(
                code: .invalidValue, key: "offsets.topic.retention.ms", value: String(offsetsTopicRetentionMs),
                problem: "must be more than twice offsets.retention.check.interval.ms "
                    + "(\(offsetsRetentionCheckIntervalMs)), or live commits could age out before they are rewritten")
        }
        entries = ConfigEntry.entries(of: values)
        assert(!logDirs.isEmpty, "log.dirs validator refuses an empty list")
        assert(logRetentionMs == -1 || logRetentionMs >= 1, "retention validators refuse 0 and below -1")
    }

    /// Kafka's precedence: `log.retention.ms`, else minutes, else hours; any negative is -1
    /// (unlimited). Pure. Cannot overflow: minutes and hours are 32-bit.
    static func retentionMs(ms: Int64?, minutes: Int?, hours: Int) -> Int64 {
        let millis: Int64
        if let ms {
            millis = ms
        } else if let minutes {
            millis = Int64(minutes) * 60_000
        } else {
            millis = Int64(hours) * 3_600_000
        }
        return millis < 0 ? -1 : millis
    }

    /// `advertised.listeners`, or `listeners` when unset. Every advertised name must be a listener's
    /// name, as Kafka requires.
    private static func advertisedListeners(
        _ values: ConfigValues, listeners: [ListenerEndpoint]
    ) throws(ConfigError) -> [ListenerEndpoint] {
        guard let entries = values.listIfSet("advertised.listeners") else { return listeners }
        let advertised = ValueRejection.revalidated("advertised.listeners") { () throws(ValueRejection) in
            try ListenerEndpoint.parseList(entries, advertised: true)
        }
        let names = Set(listeners.map(\.name))
        if let stray = advertised.first(where: { !names.contains($0.name) }) {
            throw ConfigError(
                code: .invalidValue, key: "advertised.listeners", value: entries.joined(separator: ","),
                problem: "listener \(stray.name) is not in listeners (expected names from listeners)")
        }
        return advertised
    }
}
