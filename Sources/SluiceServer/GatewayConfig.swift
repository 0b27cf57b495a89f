import SluiceConfig
import SluiceProducer

/// The producer gateway's settings, from the broker's `gateway.*` keys (`BrokerConfig.gatewayProperties`).
///
/// Two keys are the gateway's own — `gateway.enable` and `gateway.max.request.bytes` — and every other
/// `gateway.*` key is a Kafka producer property of the gateway's producer with the prefix removed
/// (`gateway.linger.ms` → `linger.ms`), validated by `ProducerConfig.parse` at start-up. `bootstrap.servers` is
/// not settable: `sluiced` points its producer at its own native listener. A bad value is a `ConfigError`
/// naming the full `gateway.` key, so `sluiced` exits 78 before binding anything.
public struct GatewayConfig: Sendable {
    /// The prefix of the gateway's keys in the broker configuration.
    public static let prefix = "gateway."

    /// `gateway.enable`.
    static let enableKey = ConfigKey(
        "gateway.enable", type: .boolean, defaultValue: .value(.boolean(true)), importance: .medium,
        documentation: "Whether the HTTP listener serves the producer gateway (POST /topics/{topic}).")
    /// `gateway.max.request.bytes`.
    static let maxRequestBytesKey = ConfigKey(
        "gateway.max.request.bytes", type: .int, defaultValue: .value(.int(10_485_760)), validator: .atLeast(1),
        importance: .medium,
        documentation: "Largest gateway request body in bytes; a larger one is refused with 413 before it is "
            + "read (by its Content-Length, and by counting while reading).")

    /// `gateway.retries` unless set: how often the gateway's producer resends a batch refused with a retriable
    /// error (NOT_ENOUGH_REPLICAS, NOT_LEADER_OR_FOLLOWER, a request timeout) before the record fails.
    ///
    /// Kafka's producer retries such errors until `delivery.timeout.ms` (120 s), and a REST proxy answers when
    /// its producer completes: an HTTP client would wait two minutes to learn of a NOT_ENOUGH_REPLICAS that,
    /// on a single broker, never heals. The gateway answers instead after a few resends (about half a second
    /// at the default `retry.backoff.ms` of 100), with Confluent's retriable code 50003 and the broker's own
    /// message, so the HTTP client decides whether to try again — as Confluent's proxy did on Kafka clients
    /// before 2.1, whose default was `retries=0`. A batch still waiting in the accumulator for a connection or
    /// for metadata uses up no retry (it waits up to `gateway.delivery.timeout.ms`, and then fails with the last
    /// broker error in its message); set `gateway.retries=2147483647` for Kafka's behaviour.
    public static let defaultRetries = 5

    /// `gateway.enable`: whether `POST /topics/{topic}` is served. Default true.
    public let enabled: Bool
    /// `gateway.max.request.bytes`: the largest request body accepted. Default 10485760 (10 MiB).
    public let requestBytesMax: Int
    /// The gateway producer's properties (every other `gateway.*` key, prefix removed), without
    /// `bootstrap.servers`, with `client.id` defaulting to `sluiced-gateway` and `retries` to `defaultRetries`.
    public let producerProperties: [String: String]

    /// Parses and validates the gateway's keys of `brokerConfig`.
    public init(brokerConfig: BrokerConfig) throws(ConfigError) {
        try self.init(properties: brokerConfig.gatewayProperties)
    }

    /// Parses and validates `gateway.*` properties given with the prefix removed (`max.request.bytes`, `acks`).
    public init(properties: [String: String]) throws(ConfigError) {
        var producer = properties
        var enableValue = ConfigValue.boolean(true)
        if let raw = producer.removeValue(forKey: "enable") {
            enableValue = try Self.enableKey.parse(raw)
        }
        var bytesMaxValue = ConfigValue.int(10_485_760)
        if let raw = producer.removeValue(forKey: "max.request.bytes") {
            bytesMaxValue = try Self.maxRequestBytesKey.parse(raw)
        }
        if let bootstrap = producer["bootstrap.servers"] {
            throw ConfigError(
                code: .invalidValue, key: Self.prefix + "bootstrap.servers", value: bootstrap,
                problem: "set by sluiced, which sends to its own listener (remove the key)")
        }
        if producer["client.id"] == nil { producer["client.id"] = "sluiced-gateway" }
        if producer["retries"] == nil { producer["retries"] = String(Self.defaultRetries) }
        guard case .boolean(let enabled) = enableValue, case .int(let bytesMax) = bytesMaxValue else {
            preconditionFailure("ConfigKey.parse returned a value of another type")
        }
        precondition(bytesMax >= 1, "gateway.max.request.bytes passed its validator")
        self.enabled = enabled
        self.requestBytesMax = bytesMax
        self.producerProperties = producer
        // Validate now, even when disabled (a typo is never silently accepted). The real bootstrap address is
        // known only once the native listener is bound; any well-formed one validates the rest the same way.
        _ = try producerConfig(bootstrap: "127.0.0.1:9092")
    }

    /// The producer properties with `bootstrap.servers` set to `bootstrap` (the broker's own listener).
    func producerProperties(bootstrap: String) -> [String: String] {
        var properties = producerProperties
        properties["bootstrap.servers"] = bootstrap
        return properties
    }

    /// Validates the producer properties as `Producer(config:)` will; errors name the `gateway.` key.
    func producerConfig(bootstrap: String) throws(ConfigError) -> ProducerConfig {
        do {
            return try ProducerConfig.parse(producerProperties(bootstrap: bootstrap))
        } catch {
            throw Self.prefixed(error)
        }
    }

    /// `error` with its key under `gateway.` (a producer key as the operator wrote it).
    static func prefixed(_ error: ConfigError) -> ConfigError {
        guard !error.key.hasPrefix(prefix), !error.key.hasPrefix("-") else { return error }
        return ConfigError(code: error.code, key: prefix + error.key, value: error.value, problem: error.problem)
    }
}
