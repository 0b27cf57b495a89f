/// The sender's settings, from `ProducerConfig` (each field names its Kafka key).
struct SenderSettings: Sendable, Hashable {
    /// acks: 0, 1 or -1 (all).
    var acks: Int16
    /// request.timeout.ms: the broker's ISR wait (the request's `timeoutMs`) and the client's wait on top.
    var requestTimeoutMs: Int64
    /// retries: re-enqueues allowed per batch (within delivery.timeout.ms).
    var retries: Int
    /// retry.backoff.ms: also the pause between failed metadata refreshes and reconnects.
    var retryBackoffMs: Int64
    /// max.in.flight.requests.per.connection.
    var maxInFlightPerConnection: Int
    /// enable.idempotence: ask for a producer id; without one (UNSUPPORTED_VERSION) fall back with a warning.
    var idempotence: Bool
    /// client.id, sent with every request.
    var clientId: String
    /// metadata.max.age.ms: refresh metadata at least this often while sending.
    var metadataMaxAgeMs: Int64

    init(_ config: ProducerConfig) {
        self.acks = config.acks
        self.requestTimeoutMs = config.requestTimeoutMs
        self.retries = config.retries
        self.retryBackoffMs = config.retryBackoffMs
        self.maxInFlightPerConnection = config.maxInFlightRequestsPerConnection
        self.idempotence = config.enableIdempotence
        self.clientId = config.clientId
        self.metadataMaxAgeMs = config.metadataMaxAgeMs
    }
}
