import SluiceConfig

extension ProducerConfig {
    /// The idempotent producer keeps at most this many requests in flight per connection, so the broker's
    /// last-5-batches window can deduplicate every retry (Kafka's
    /// `MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE`).
    public static let inFlightRequestsMaxForIdempotence = 5

    /// Every producer key, Kafka's names, types, defaults and validators (Kafka 4.0's `ProducerConfig`), in
    /// documentation order; `definitions.helpText()` prints the reference. Kafka keys that Swift takes as
    /// `Producer.init` arguments (serializers, partitioner, interceptors) are defined only to be refused with
    /// that explanation.
    public static let definitions = ConfigDefinition(
        keys: connectionKeys + batchingKeys + deliveryKeys + initArgumentKeys)

    /// Parses Kafka-style producer properties (`["bootstrap.servers": "127.0.0.1:9092", "acks": "all"]`) into a
    /// validated configuration, applying Kafka's cross-key rules:
    /// - `enable.idempotence` not set explicitly: turned off silently when `acks` is not `all` or `retries` is
    ///   0 (Kafka's behaviour). Set explicitly to true, either is an error.
    /// - idempotence on and `max.in.flight.requests.per.connection` above 5: an error (Kafka ≥ 4.0; 3.x
    ///   turned idempotence off with a warning when it was not set explicitly).
    /// - `delivery.timeout.ms` below `linger.ms + request.timeout.ms`: an error when set explicitly; when
    ///   left at its default it is raised to that sum (Kafka's `KafkaProducer.configureDeliveryTimeout`).
    /// - `batch.size` 0 (Kafka: no batching) is stored as 1 byte: every record then fills its own batch.
    ///
    /// Keys are checked in name order, so the first of several problems is always the same one.
    /// - Throws: ``ConfigError`` naming the key for an unknown key (with the nearest known key), a bad
    ///   value, a missing `bootstrap.servers`, a Kafka class-name key, or inconsistent keys.
    public static func parse(_ properties: [String: String]) throws(ConfigError) -> ProducerConfig {
        let settings = properties.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        let values = try definitions.parse(settings)
        let acks = acksWireValue(values.string("acks"))
        let retries = values.int("retries")
        let inFlightMax = values.int("max.in.flight.requests.per.connection")
        let idempotence = try idempotenceEnabled(
            requested: values.boolean("enable.idempotence"), explicitly: values.isSet("enable.idempotence"),
            acks: acks, retries: retries, inFlightRequestsMax: inFlightMax)
        let lingerMs = values.long("linger.ms")
        let requestTimeoutMs = Int64(values.int("request.timeout.ms"))
        let deliveryTimeoutMs = try deliveryTimeoutMs(
            configured: Int64(values.int("delivery.timeout.ms")), explicitly: values.isSet("delivery.timeout.ms"),
            lingerMs: lingerMs, requestTimeoutMs: requestTimeoutMs)
        let config = ProducerConfig(
            bootstrapServers: values.list("bootstrap.servers"), clientId: values.string("client.id"), acks: acks,
            lingerMs: lingerMs, batchSizeBytes: max(1, values.int("batch.size")),
            bufferMemoryBytes: Int(values.long("buffer.memory")), maxBlockMs: values.long("max.block.ms"),
            maxRequestSizeBytes: values.int("max.request.size"), maxInFlightRequestsPerConnection: inFlightMax,
            requestTimeoutMs: requestTimeoutMs, retries: retries, retryBackoffMs: values.long("retry.backoff.ms"),
            deliveryTimeoutMs: deliveryTimeoutMs, enableIdempotence: idempotence,
            metadataMaxAgeMs: values.long("metadata.max.age.ms"), metricsEnabled: values.boolean("metrics.enabled"))
        assert(!config.bootstrapServers.isEmpty, "bootstrap.servers validator refuses an empty list")
        assert(config.batchSizeBytes >= 1, "batch.size is kept at one byte or more")
        assert(!config.enableIdempotence || config.acks == -1, "idempotence without acks=all")
        return config
    }

    // MARK: Cross-key rules (pure)

    /// Kafka's `postProcessAndValidateIdempotenceConfigs` (4.0): whether the producer is idempotent.
    static func idempotenceEnabled(
        requested: Bool, explicitly: Bool, acks: Int16, retries: Int, inFlightRequestsMax: Int
    ) throws(ConfigError) -> Bool {
        guard requested else { return false }
        if retries == 0 {
            guard !explicitly else {
                throw ConfigError(
                    code: .invalidValue, key: "retries", value: "0",
                    problem: "must set retries to non-zero when using the idempotent producer "
                        + "(enable.idempotence=true; set it to false to disable retries)")
            }
            return false
        }
        if acks != -1 {
            guard !explicitly else {
                throw ConfigError(
                    code: .invalidValue, key: "acks", value: String(acks),
                    problem: "must set acks to all in order to use the idempotent producer; otherwise "
                        + "idempotence cannot be guaranteed (enable.idempotence=true)")
            }
            return false
        }
        guard inFlightRequestsMax <= inFlightRequestsMaxForIdempotence else {
            throw ConfigError(
                code: .invalidValue, key: "max.in.flight.requests.per.connection", value: String(inFlightRequestsMax),
                problem: "must be at most \(inFlightRequestsMaxForIdempotence) to use the idempotent producer "
                    + "(idempotence is on by default; set enable.idempotence=false to allow more)")
        }
        return true
    }

    /// Kafka's `configureDeliveryTimeout`: `delivery.timeout.ms` must cover `linger.ms + request.timeout.ms`
    /// (capped at `Int32.max`, as Kafka computes it). An explicit smaller value is an error; the default is
    /// raised to the sum.
    static func deliveryTimeoutMs(
        configured: Int64, explicitly: Bool, lingerMs: Int64, requestTimeoutMs: Int64
    ) throws(ConfigError) -> Int64 {
        precondition(lingerMs >= 0, "linger.ms validator refuses \(lingerMs)")
        precondition(requestTimeoutMs >= 0 && requestTimeoutMs <= Int64(Int32.max), "request.timeout.ms is an int")
        let lingerAndRequestTimeoutMs = min(min(lingerMs, Int64(Int32.max)) + requestTimeoutMs, Int64(Int32.max))
        guard configured < lingerAndRequestTimeoutMs else { return configured }
        guard !explicitly else {
            throw ConfigError(
                code: .invalidValue, key: "delivery.timeout.ms", value: String(configured),
                problem: "should be equal to or larger than linger.ms + request.timeout.ms "
                    + "(\(lingerAndRequestTimeoutMs))")
        }
        return lingerAndRequestTimeoutMs
    }

    /// `acks` as sent on the wire: `all` and `-1` → -1. The key's validator allows only all, -1, 0 and 1.
    static func acksWireValue(_ text: String) -> Int16 {
        switch text {
        case "all", "-1": return -1
        case "0": return 0
        case "1": return 1
        default: preconditionFailure("acks '\(text)' passed its validator")
        }
    }

    // MARK: Bootstrap addresses (pure)

    /// Why `entries` is not a valid `bootstrap.servers` list, or nil: non-empty, no duplicates (Kafka's
    /// `ValidList.anyNonDuplicateValues(false, false)`), each `host:port` or `[ipv6]:port` with port 1-65535.
    static func bootstrapServersRejection(_ entries: [String]) -> String? {
        guard !entries.isEmpty else { return "empty" }
        var seen: Set<String> = []
        for entry in entries {
            if let reason = bootstrapServerRejection(entry) { return reason }
            guard seen.insert(entry).inserted else { return "duplicate entry '\(entry)'" }
        }
        return nil
    }

    /// Why `entry` is not `host:port` or `[ipv6]:port` (port 1-65535), or nil: the broker's address parsing
    /// (`HostPort`), after refusing a listener scheme. Pure.
    static func bootstrapServerRejection(_ entry: String) -> String? {
        guard !entry.contains("://") else { return "'\(entry)' has a listener scheme; write host:port" }
        return HostPort.rejection(of: entry, portsAllowed: 1...65535)
    }

    // MARK: Key definitions

    static let connectionKeys: [ConfigKey] = [
        ConfigKey(
            "bootstrap.servers", type: .list, defaultValue: .required,
            validator: .custom(expectation: "a non-empty comma-separated list of host:port without duplicates") {
                value in
                guard case .list(let entries) = value else { return "not a list" }
                return bootstrapServersRejection(entries)
            },
            importance: .high,
            documentation: "Brokers to fetch the cluster's metadata from first, as host:port (IPv6 in brackets). "
                + "Any broker will do; the producer then talks to each partition's leader."),
        ConfigKey(
            "client.id", type: .string, defaultValue: .value(.string("sluice-producer")), importance: .medium,
            documentation: "A name sent with every request, for the broker's logs. Kafka's default is "
                + "producer-<n>; Sluice's is sluice-producer."),
        ConfigKey(
            "metrics.enabled", type: .boolean, defaultValue: .value(.boolean(true)), importance: .low,
            documentation: "Sluice's own switch: false keeps the producer's series declared but stops updating "
                + "them, to measure what observability costs on the send path."),
        ConfigKey(
            "metadata.max.age.ms", type: .long, defaultValue: .value(.long(300_000)), validator: .atLeast(0),
            importance: .low,
            documentation: "Metadata is refreshed after this many milliseconds even without a leadership "
                + "change, to see new partitions and brokers."),
        ConfigKey(
            "max.block.ms", type: .long, defaultValue: .value(.long(60_000)), validator: .atLeast(0),
            importance: .medium,
            documentation: "How long send waits for buffer.memory or for the topic's metadata before it "
                + "fails."),
        ConfigKey(
            "request.timeout.ms", type: .int, defaultValue: .value(.int(30_000)), validator: .atLeast(0),
            importance: .medium,
            documentation: "How long the producer waits for a response to a request before it retries or "
                + "fails it."),
    ]

    static let batchingKeys: [ConfigKey] = [
        ConfigKey(
            "linger.ms", type: .long, defaultValue: .value(.long(5)), validator: .atLeast(0), importance: .medium,
            documentation: "How long a batch waits for more records before it is sent when it is not full "
                + "(Kafka 4.0's default, 5)."),
        ConfigKey(
            "batch.size", type: .int, defaultValue: .value(.int(16_384)), validator: .atLeast(0),
            importance: .medium,
            documentation: "The bytes a partition's batch is allowed to grow to; a larger record gets a "
                + "batch of its own. 0 disables batching (one record per batch)."),
        ConfigKey(
            "buffer.memory", type: .long, defaultValue: .value(.long(33_554_432)), validator: .atLeast(0),
            importance: .high,
            documentation: "Total bytes of batches waiting to be sent or acknowledged; send blocks up to "
                + "max.block.ms when it is full."),
        ConfigKey(
            "max.request.size", type: .int, defaultValue: .value(.int(1_048_576)), validator: .atLeast(1),
            importance: .medium,
            documentation: "The largest produce request and the largest record in bytes. Kafka allows 0; "
                + "Sluice refuses it, since no record would fit."),
        ConfigKey(
            "compression.type", type: .string, defaultValue: .value(.string("none")),
            validator: .custom(expectation: "none (gzip, snappy, lz4 and zstd are not supported yet)") { value in
                guard case .string(let text) = value else { return "not a string" }
                if text == "none" { return nil }
                return ["gzip", "snappy", "lz4", "zstd"].contains(text)
                    ? "\(text) is not supported yet" : "not an allowed value"
            },
            importance: .high, documentation: "Compression of record batches. Only none is supported for now."),
    ]

    static let deliveryKeys: [ConfigKey] = [
        ConfigKey(
            "acks", type: .string, defaultValue: .value(.string("all")),
            validator: .oneOf(["all", "-1", "0", "1"]), importance: .low,
            documentation: "How many replicas must have the records before the leader answers: 0 (no "
                + "answer; offset -1), 1 (the leader), all or -1 (the in-sync replicas)."),
        ConfigKey(
            "retries", type: .int, defaultValue: .value(.int(Int(Int32.max))), validator: .atLeast(0),
            importance: .high,
            documentation: "How often a failed batch is sent again; delivery.timeout.ms usually ends "
                + "retrying first."),
        ConfigKey(
            "retry.backoff.ms", type: .long, defaultValue: .value(.long(100)), validator: .atLeast(0),
            importance: .low, documentation: "How long to wait before retrying a failed request."),
        ConfigKey(
            "delivery.timeout.ms", type: .int, defaultValue: .value(.int(120_000)), validator: .atLeast(0),
            importance: .medium,
            documentation: "The longest time from send to success or failure, retries included; at least "
                + "linger.ms + request.timeout.ms."),
        ConfigKey(
            "max.in.flight.requests.per.connection", type: .int, defaultValue: .value(.int(5)),
            validator: .atLeast(1), importance: .low,
            documentation: "Unanswered produce requests per broker connection; at most 5 with idempotence."),
        ConfigKey(
            "enable.idempotence", type: .boolean, defaultValue: .value(.boolean(true)), importance: .low,
            documentation: "Whether retries can never duplicate or reorder records in a partition (producer "
                + "id and sequence numbers). Needs acks=all, retries > 0 and at most 5 requests in flight; "
                + "when not set explicitly it turns itself off for acks other than all or retries=0."),
    ]

    /// Kafka class-name keys. Swift has no class loading: these are `Producer.init` arguments, so the keys
    /// are refused with a message saying which argument to pass.
    static let initArgumentKeys: [ConfigKey] = [
        initArgumentKey("key.serializer", what: "the key serializer", argument: "keySerializer:"),
        initArgumentKey("value.serializer", what: "the value serializer", argument: "valueSerializer:"),
        initArgumentKey("partitioner.class", what: "a custom partitioner", argument: "partitioner:"),
        initArgumentKey("interceptor.classes", what: "interceptors", argument: "interceptors:"),
    ]

    private static func initArgumentKey(_ name: String, what: String, argument: String) -> ConfigKey {
        ConfigKey(
            name, type: .string, defaultValue: .unset,
            validator: .custom(expectation: "no value; pass \(argument) to Producer.init") { _ in
                "Swift takes \(what) as an init argument, not a class name"
            },
            importance: .low,
            documentation: "Not a property in Sluice: pass \(what) to Producer.init (\(argument)).")
    }
}
