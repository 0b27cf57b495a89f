import NIOCore
import SluiceObservability
import SluiceWire
import Testing

@testable import SluiceProducer

/// Builds accumulators with small, known settings and appends byte-array records at chosen times.
enum AccumulatorTestSupport {
    static let broker = BrokerInfo(nodeId: 1, host: "127.0.0.1", port: 9092)

    static func settings(
        batchSizeBytes: Int = 1_024, lingerMs: Int64 = 5, retryBackoffMs: Int64 = 100,
        deliveryTimeoutMs: Int64 = 120_000, maxRequestSizeBytes: Int = 1_048_576, maxInFlight: Int = 5
    ) -> AccumulatorSettings {
        AccumulatorSettings(
            batchSizeBytes: batchSizeBytes, lingerMs: lingerMs, retryBackoffMs: retryBackoffMs,
            deliveryTimeoutMs: deliveryTimeoutMs, maxRequestSizeBytes: maxRequestSizeBytes,
            maxInFlightPerPartition: maxInFlight)
    }

    /// An accumulator over a pool of `bufferMemoryBytes`, with topic `topic` of `partitions` partitions led by node 1.
    static func accumulator(
        _ settings: AccumulatorSettings = settings(), bufferMemoryBytes: Int = 64 * 1_024, topic: String = "t",
        partitions: Int = 1, seed: UInt64 = 42
    ) -> RecordAccumulator {
        let metrics = ProducerMetrics()
        let pool = BufferPool(totalBytes: bufferMemoryBytes, poolableBytes: settings.batchSizeBytes, metrics: metrics)
        let accumulator = RecordAccumulator(
            settings: settings, pool: pool, metrics: metrics, wakeup: SenderWakeup(), stickySeed: seed)
        accumulator.setLayout(
            TopicLayout(leaders: Array(repeating: 1, count: partitions)), topic: topic, brokers: [broker])
        return accumulator
    }

    /// Appends one record at monotonic time `nowMs`.
    @discardableResult
    static func append(
        _ accumulator: RecordAccumulator, topic: String = "t", choice: PartitionChoice = .explicit(0),
        key: [UInt8]? = nil, value: [UInt8]? = [1, 2, 3], timestamp: Int64 = 1_700_000_000_000, nowMs: Int64 = 0,
        callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)? = nil
    ) -> AppendOutcome {
        var reserved: ReservedMemory?
        return withOptionalBytes(key) { keyBytes in
            withOptionalBytes(value) { valueBytes in
                accumulator.append(
                    RecordAccumulator.AppendRequest(
                        topic: topic, choice: choice, key: keyBytes, value: valueBytes, timestamp: timestamp,
                        nowNanos: nowMs * 1_000_000, storesCompletion: callback != nil, callback: callback),
                    reserved: &reserved)
            }
        }
    }

    static func withOptionalBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }

    /// The partition an `.appended` outcome names.
    static func partition(_ outcome: AppendOutcome) -> Int32? {
        guard case .appended(let partition, _) = outcome else { return nil }
        return partition
    }

    /// Decodes the records of a finished batch.
    static func records(of batch: ProducerBatch) throws -> [Record] {
        try batch.buffer.withUnsafeReadableBytes { bytes in try RecordBatchReader.records(in: bytes).records }
    }
}
