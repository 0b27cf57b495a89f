import Logging
import NIOPosix
import SluiceClient
import SluiceConfig
import SluiceObservability

/// Sends records to partition leaders in batches: interceptors → serializers → partitioner →
/// `RecordAccumulator` → one sender loop → Produce requests → acknowledgements (Kafka's `KafkaProducer`).
///
/// The sender runs in a task this producer owns from `init` until `close()` (Kafka starts its I/O
/// thread in the constructor the same way); `deinit` cancels it if `close()` was never called.
///
/// Cost of a `send` without a completion: no allocation, no actor hop and one lock acquisition when the
/// record fits the partition's open batch (the record is encoded straight into the pooled batch buffer).
/// `send(contentsOf:completion:)` takes no lock per record: it leases the partitions' batches and encodes a
/// whole run of records into them outside the lock (see `BatchLease`). The CLI, `perf produce` and the
/// HTTP gateway send that way.
public final class Producer<Key: Sendable, Value: Sendable>: Sendable {
    /// The parsed settings.
    public let config: ProducerConfig
    /// The producer's metrics (observability.md's producer table), on the registry given at init.
    public let metrics: ProducerMetrics

    /// One append attempt's result, as it comes back through the serializers' lent bytes.
    @usableFromInline typealias AttemptResult = Result<AppendOutcome, ProducerError>
    /// A serializer's `withSerialized`, fixed to the append's result type at init, so a `send` opens no
    /// existential (`any Serializer<Key>` would instantiate its metadata on every call).
    @usableFromInline typealias Lender<Input> =
        @Sendable (Input, String, (UnsafeRawBufferPointer) -> AttemptResult) -> AttemptResult

    @usableFromInline let lendKey: Lender<Key>
    @usableFromInline let lendValue: Lender<Value>
    /// nil: Kafka's built-in partitioning (murmur2 of the key, hashed outside the lock; sticky without a key).
    @usableFromInline let customPartitioner: (any Partitioner)?
    @usableFromInline let interceptors: [any ProducerInterceptor<Key, Value>]
    /// `!interceptors.isEmpty`, read without touching the existential array on the hot path.
    @usableFromInline let hasInterceptors: Bool
    @usableFromInline let pool: BufferPool
    @usableFromInline let accumulator: RecordAccumulator
    let sender: Sender
    let client: SluiceClient
    @usableFromInline let clock: any ProducerClock
    let logger: Logger
    /// The sender loop. Owned here: `close()` stops and awaits it, `deinit` cancels it.
    let senderTask: Task<Void, Never>

    /// Creates a producer from Kafka-style properties (`bootstrap.servers`, `acks`, `linger.ms`, …).
    /// Throws `ConfigError` for a bad property; connects lazily (the first send fetches metadata).
    ///
    /// Inlinable so the serializers' `withSerialized` calls (once per record) are specialised for the
    /// caller's serializer types where the producer is created, not made through their witness tables.
    @inlinable
    public convenience init(
        config properties: [String: String],
        keySerializer: some Serializer<Key>, valueSerializer: some Serializer<Value>,
        partitioner: (any Partitioner)? = nil,
        interceptors: [any ProducerInterceptor<Key, Value>] = [],
        metrics: ProducerMetrics? = nil
    ) throws(ConfigError) {
        try self.init(
            config: properties,
            lendKey: { key, topic, body in keySerializer.withSerialized(key, topic: topic, body) },
            lendValue: { value, topic, body in valueSerializer.withSerialized(value, topic: topic, body) },
            partitioner: partitioner, interceptors: interceptors, metrics: metrics)
    }

    /// The designated initializer behind `init(config:keySerializer:valueSerializer:…)`, with the
    /// serializers already fixed to the append's result type.
    @usableFromInline
    init(
        config properties: [String: String], lendKey: @escaping Lender<Key>, lendValue: @escaping Lender<Value>,
        partitioner: (any Partitioner)?, interceptors: [any ProducerInterceptor<Key, Value>],
        metrics: ProducerMetrics?
    ) throws(ConfigError) {
        let config = try ProducerConfig.parse(properties)
        let client: SluiceClient
        do {
            client = try SluiceClient(
                bootstrapServers: config.bootstrapServers, clientId: config.clientId,
                connectTimeout: .milliseconds(min(10_000, max(1, config.requestTimeoutMs))),
                requestTimeout: .milliseconds(config.requestTimeoutMs))
        } catch {
            throw ConfigError(
                code: .invalidValue, key: "bootstrap.servers", value: config.bootstrapServers.joined(separator: ","),
                problem: error.reason)
        }
        self.config = config
        self.metrics = metrics ?? ProducerMetrics(recording: config.metricsEnabled)
        self.lendKey = lendKey
        self.lendValue = lendValue
        self.customPartitioner = partitioner.flatMap { $0 is DefaultPartitioner ? nil : $0 }
        self.interceptors = interceptors
        self.hasInterceptors = !interceptors.isEmpty
        self.client = client
        self.clock = SystemProducerClock()
        var logger = Logger(label: "sluice.producer")
        logger[metadataKey: "sluice.client_id"] = "\(config.clientId)"
        self.logger = logger
        let wakeup = SenderWakeup()
        self.pool = BufferPool(
            totalBytes: config.bufferMemoryBytes, poolableBytes: config.batchSizeBytes, metrics: self.metrics)
        self.accumulator = RecordAccumulator(
            settings: AccumulatorSettings(config), pool: pool, metrics: self.metrics, wakeup: wakeup)
        self.sender = Sender(
            settings: SenderSettings(config), accumulator: accumulator, client: client,
            eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1), metrics: self.metrics, clock: clock,
            logger: logger, acknowledgementHook: Self.acknowledgementHook(interceptors))
        // The producer owns this task (Kafka's I/O thread): close() stops and awaits it, deinit cancels it.
        self.senderTask = Task { [sender] in await sender.run() }
    }

    deinit {
        senderTask.cancel()
    }

    /// Sends `record` and waits for its acknowledgement (sync send).
    public func send(_ record: ProducerRecord<Key, Value>) async throws(ProducerError) -> RecordMetadata {
        let box = DeliveryBox()
        try await send(record) { result in box.complete(result) }
        return try await box.value().get()
    }

    /// Appends `record` to the accumulator and returns (waiting only for buffer memory, up to max.block.ms);
    /// `completion` runs once the record is acknowledged or has failed for good (async send).
    public func send(
        _ record: ProducerRecord<Key, Value>,
        completion: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    ) async throws(ProducerError) {
        guard hasInterceptors else {
            do {
                return try await append(record, callback: completion)
            } catch {
                metrics.topic(record.topic).recordFailed(records: 1, error: error.metricLabel)
                throw error
            }
        }
        var intercepted = record
        for interceptor in interceptors { intercepted = interceptor.onSend(intercepted) }
        do {
            try await append(intercepted, callback: completion)
        } catch {
            for interceptor in interceptors { interceptor.onAcknowledgement(.failure(error)) }
            metrics.topic(intercepted.topic).recordFailed(records: 1, error: error.metricLabel)
            throw error
        }
    }

    /// Waits until every record sent before this call is acknowledged or failed (Kafka's `flush`).
    public func flush() async {
        _ = await accumulator.awaitCompletion(isFlush: true, timeout: nil)
    }

    /// Stops accepting sends, drains what is buffered (up to `timeout`), fails the rest with `.closed`,
    /// and stops the sender. Idempotent.
    public func close(timeout: Duration = .seconds(30)) async {
        if accumulator.beginClose() {
            pool.close()
            let drained = await accumulator.awaitCompletion(isFlush: false, timeout: timeout)
            // close(timeout: .zero) asks for exactly that (Kafka's forced close): no warning then.
            if !drained {
                logger.log(
                    level: timeout == .zero ? .debug : .warning,
                    "close(timeout: \(timeout)) passed with records unsent; failing them with PRODUCER_CLOSED")
            }
            sender.stop()
        }
        await senderTask.value
    }

    /// The interceptors' `onAcknowledgement`, run per record by the sender; nil without interceptors.
    static func acknowledgementHook(
        _ interceptors: [any ProducerInterceptor<Key, Value>]
    ) -> (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)? {
        guard !interceptors.isEmpty else { return nil }
        return { result in
            for interceptor in interceptors { interceptor.onAcknowledgement(result) }
        }
    }
}

extension Producer where Key == [UInt8], Value == [UInt8] {
    /// A producer of raw bytes: `Producer(config: ["bootstrap.servers": "127.0.0.1:9092"])`.
    public convenience init(config properties: [String: String], metrics: ProducerMetrics? = nil) throws(ConfigError) {
        try self.init(
            config: properties, keySerializer: BytesSerializer(), valueSerializer: BytesSerializer(), metrics: metrics)
    }
}
