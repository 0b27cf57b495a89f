/// The accumulator's limits, from `ProducerConfig` (each field names its Kafka key).
struct AccumulatorSettings: Sendable, Hashable {
    /// batch.size: pooled buffer size and the size at which a batch is full.
    var batchSizeBytes: Int
    /// linger.ms: how long an open batch waits for more records.
    var lingerMs: Int64
    /// retry.backoff.ms: how long a re-enqueued batch waits before it is sent again.
    var retryBackoffMs: Int64
    /// delivery.timeout.ms: from a batch's opening to its failure when still not acknowledged.
    var deliveryTimeoutMs: Int64
    /// max.request.size: bytes of batches drained into one request (a single larger batch goes alone).
    var maxRequestSizeBytes: Int
    /// max.in.flight.requests.per.connection: also the per-partition bound; 1 keeps strict order.
    var maxInFlightPerPartition: Int

    init(_ config: ProducerConfig) {
        self.init(
            batchSizeBytes: config.batchSizeBytes, lingerMs: config.lingerMs, retryBackoffMs: config.retryBackoffMs,
            deliveryTimeoutMs: config.deliveryTimeoutMs, maxRequestSizeBytes: config.maxRequestSizeBytes,
            maxInFlightPerPartition: config.maxInFlightRequestsPerConnection)
    }

    init(
        batchSizeBytes: Int, lingerMs: Int64, retryBackoffMs: Int64, deliveryTimeoutMs: Int64,
        maxRequestSizeBytes: Int, maxInFlightPerPartition: Int
    ) {
        precondition(batchSizeBytes > 0, "batch.size must be positive")
        precondition(lingerMs >= 0, "linger.ms must not be negative")
        precondition(maxInFlightPerPartition > 0, "max.in.flight.requests.per.connection must be positive")
        self.batchSizeBytes = batchSizeBytes
        self.lingerMs = lingerMs
        self.retryBackoffMs = retryBackoffMs
        self.deliveryTimeoutMs = deliveryTimeoutMs
        self.maxRequestSizeBytes = maxRequestSizeBytes
        self.maxInFlightPerPartition = maxInFlightPerPartition
    }
}
