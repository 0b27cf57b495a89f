import SluiceWire

/// Why a send failed, in Kafka's terms.
public enum ProducerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broker answered with an error that retries did not cure (or that is not retriable).
    case broker(ErrorCode, String)
    /// `buffer.memory` stayed full for `max.block.ms`.
    case bufferExhausted(waitedMs: Int64, bufferMemory: Int)
    /// The record is larger than `max.request.size` or `buffer.memory`.
    case recordTooLarge(size: Int, limit: Int, key: String)
    /// `delivery.timeout.ms` passed before an acknowledgement. `lastError` is the last answer the batch got from
    /// a broker (`NOT_ENOUGH_REPLICAS: …`, or the request's own timeout), nil when it was never sent.
    case deliveryTimeout(ms: Int64, lastError: String? = nil)
    /// The producer was closed before the record was sent, or a send came after `close()`.
    case closed
    /// Metadata for the topic could not be fetched within `max.block.ms`.
    case metadataUnavailable(topic: String, reason: String)
    /// The partition given is not one of the topic's.
    case invalidPartition(topic: String, partition: Int32, partitionCount: Int32)
    /// A serializer, interceptor or partitioner threw.
    case serialization(String)

    public var description: String { description(keyPrefix: "") }

    /// The description with each producer key written as `keyPrefix` + key: the gateway's producer is configured
    /// with `gateway.`-prefixed keys (`gateway.max.request.size`), so its errors name those. Broker messages are
    /// left as they are (their keys are the broker's or the topic's).
    public func description(keyPrefix: String) -> String {
        switch self {
        case .broker(let code, let message): message.isEmpty ? code.name : "\(code.name): \(message)"
        case .bufferExhausted(let waitedMs, let bufferMemory):
            "failed to allocate memory within \(keyPrefix)max.block.ms (\(waitedMs) ms); \(keyPrefix)buffer.memory is "
                + "\(bufferMemory) bytes"
        case .recordTooLarge(let size, let limit, let key):
            "the record is \(size) bytes, larger than \(keyPrefix)\(key) (\(limit))"
        case .deliveryTimeout(let ms, nil):
            "record not acknowledged within \(keyPrefix)delivery.timeout.ms (\(ms) ms)"
        case .deliveryTimeout(let ms, let lastError?):
            "record not acknowledged within \(keyPrefix)delivery.timeout.ms (\(ms) ms); last error \(lastError)"
        case .closed: "the producer is closed"
        case .metadataUnavailable(let topic, let reason): "no metadata for topic '\(topic)': \(reason)"
        case .invalidPartition(let topic, let partition, let count):
            "partition \(partition) of topic '\(topic)' does not exist (it has \(count))"
        case .serialization(let message): "serialization failed: \(message)"
        }
    }

    /// Kafka's error name for metrics labels (`sluice_producer_record_errors_total{error}`), bounded.
    public var metricLabel: String {
        switch self {
        case .broker(let code, _): code.name
        case .bufferExhausted: "BUFFER_EXHAUSTED"
        case .recordTooLarge: "RECORD_TOO_LARGE"
        case .deliveryTimeout: "DELIVERY_TIMEOUT"
        case .closed: "PRODUCER_CLOSED"
        case .metadataUnavailable: "METADATA_UNAVAILABLE"
        case .invalidPartition: "INVALID_PARTITION"
        case .serialization: "SERIALIZATION"
        }
    }
}
