import SluiceConfig
import SluiceObservability

/// Sends records to partition leaders in batches: interceptors → serializers → partitioner →
/// `RecordAccumulator` → one sender loop → Produce requests → acknowledgements (Kafka's `KafkaProducer`).
///
/// The sender runs in a task this producer owns from `init` until `close()` (Kafka starts its I/O
/// thread in the constructor the same way); `deinit` cancels it if `close()` was never called.
public final class Producer<Key: Sendable, Value: Sendable>: Sendable {
    /// The parsed settings.
    public let config: ProducerConfig
    /// The producer's metrics (observability.md's producer table), on the registry given at init.
    public let metrics: ProducerMetrics

    /// Creates a producer from Kafka-style properties (`bootstrap.servers`, `acks`, `linger.ms`, …).
    /// Throws `ConfigError` for a bad property; connects lazily (the first send fetches metadata).
    public init(
        config properties: [String: String],
        keySerializer: some Serializer<Key>, valueSerializer: some Serializer<Value>,
        partitioner: (any Partitioner)? = nil,
        interceptors: [any ProducerInterceptor<Key, Value>] = [],
        metrics: ProducerMetrics? = nil
    ) throws(ConfigError) {
        fatalError("Producer.init is being written")
    }

    /// Sends `record` and waits for its acknowledgement (sync send).
    public func send(_ record: ProducerRecord<Key, Value>) async throws(ProducerError) -> RecordMetadata {
        fatalError("Producer.send is being written")
    }

    /// Appends `record` to the accumulator and returns (waiting only for buffer memory, up to max.block.ms);
    /// `completion` runs once the record is acknowledged or has failed for good (async send).
    public func send(
        _ record: ProducerRecord<Key, Value>,
        completion: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    ) async throws(ProducerError) {
        fatalError("Producer.send(completion:) is being written")
    }

    /// Waits until every record sent before this call is acknowledged or failed (Kafka's `flush`).
    public func flush() async {
        fatalError("Producer.flush is being written")
    }

    /// Stops accepting sends, drains what is buffered (up to `timeout`), fails the rest with `.closed`,
    /// and stops the sender. Idempotent.
    public func close(timeout: Duration = .seconds(30)) async {
        fatalError("Producer.close is being written")
    }
}

extension Producer where Key == [UInt8], Value == [UInt8] {
    /// A producer of raw bytes: `Producer(config: ["bootstrap.servers": "127.0.0.1:9092"])`.
    public convenience init(config properties: [String: String], metrics: ProducerMetrics? = nil) throws(ConfigError) {
        try self.init(config: properties, keySerializer: BytesSerializer(), valueSerializer: BytesSerializer(), metrics: metrics)
    }
}
