import SluiceConfig

/// The producer's settings, Kafka's keys and defaults (Kafka ≥ 3.0: idempotence on, acks=all; linger.ms 5 as Kafka 4.0).
///
/// Parsed from string properties with `ProducerConfig.parse`; an unknown key or a bad value is a
/// `ConfigError` naming the key, the value and what is allowed (the gateway's `gateway.*` keys use it too).
public struct ProducerConfig: Sendable, Hashable {
    /// bootstrap.servers (required): `host:port` list.
    public var bootstrapServers: [String]
    /// client.id
    public var clientId: String
    /// acks: 0, 1 or -1 ("all"). Default all.
    public var acks: Int16
    /// linger.ms. Default 5.
    public var lingerMs: Int64
    /// batch.size in bytes. Default 16384.
    public var batchSizeBytes: Int
    /// buffer.memory in bytes. Default 33554432.
    public var bufferMemoryBytes: Int
    /// max.block.ms: how long `send` waits for buffer memory or metadata. Default 60000.
    public var maxBlockMs: Int64
    /// max.request.size in bytes. Default 1048576.
    public var maxRequestSizeBytes: Int
    /// max.in.flight.requests.per.connection. Default 5 (≤ 5 with idempotence).
    public var maxInFlightRequestsPerConnection: Int
    /// request.timeout.ms. Default 30000.
    public var requestTimeoutMs: Int64
    /// retries. Default Int32.max.
    public var retries: Int
    /// retry.backoff.ms. Default 100.
    public var retryBackoffMs: Int64
    /// delivery.timeout.ms (≥ linger.ms + request.timeout.ms). Default 120000.
    public var deliveryTimeoutMs: Int64
    /// enable.idempotence. Default true (requires acks=all, retries > 0, max.in.flight ≤ 5).
    public var enableIdempotence: Bool
    /// metadata.max.age.ms. Default 300000.
    public var metadataMaxAgeMs: Int64
    /// metrics.enabled (Sluice's own key): false stops updating the producer's metrics. Default true.
    public var metricsEnabled: Bool

    public init(
        bootstrapServers: [String], clientId: String = "sluice-producer", acks: Int16 = -1, lingerMs: Int64 = 5,
        batchSizeBytes: Int = 16_384, bufferMemoryBytes: Int = 33_554_432, maxBlockMs: Int64 = 60_000,
        maxRequestSizeBytes: Int = 1_048_576, maxInFlightRequestsPerConnection: Int = 5, requestTimeoutMs: Int64 = 30_000,
        retries: Int = Int(Int32.max), retryBackoffMs: Int64 = 100, deliveryTimeoutMs: Int64 = 120_000,
        enableIdempotence: Bool = true, metadataMaxAgeMs: Int64 = 300_000, metricsEnabled: Bool = true
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientId = clientId
        self.acks = acks
        self.lingerMs = lingerMs
        self.batchSizeBytes = batchSizeBytes
        self.bufferMemoryBytes = bufferMemoryBytes
        self.maxBlockMs = maxBlockMs
        self.maxRequestSizeBytes = maxRequestSizeBytes
        self.maxInFlightRequestsPerConnection = maxInFlightRequestsPerConnection
        self.requestTimeoutMs = requestTimeoutMs
        self.retries = retries
        self.retryBackoffMs = retryBackoffMs
        self.deliveryTimeoutMs = deliveryTimeoutMs
        self.enableIdempotence = enableIdempotence
        self.metadataMaxAgeMs = metadataMaxAgeMs
        self.metricsEnabled = metricsEnabled
    }
}
