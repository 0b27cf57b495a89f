import NIOCore
import SluiceWire

/// Produce (key 0): v3–v8 decoded and served, v0–v2 decoded only to answer UNSUPPORTED_VERSION in their own
/// layout (Produce is advertised from v0 for older librdkafka, see `KafkaApiKey.advertisedVersions`).
///
/// The partitions' records are slices of the request frame, handed to the broker as a native `ProduceRequest`,
/// so the same append, idempotence and acks=all purgatory serve both protocols. `validate` applies Kafka's
/// produce rules to each partition's bytes first, reading only the batch header.
public enum KafkaProduce {
    /// A decoded Produce request.
    public struct Request: Sendable {
        /// v3+: non-null only for transactional producers, which Sluice does not serve.
        public var transactionalId: String?
        public var produce: ProduceRequest

        public init(transactionalId: String?, produce: ProduceRequest) {
            self.transactionalId = transactionalId
            self.produce = produce
        }
    }

    /// Reads a request body of `version` (0–8). A null records field reads as empty bytes (refused by `validate`).
    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        precondition(KafkaApiKey.produce.advertisedVersions.contains(version), "Produce v\(version) is not decoded")
        let transactionalId = version >= 3 ? try reader.nullableString() : nil
        let acks = try reader.int16()
        let timeoutMs = try reader.int32()
        var topics: [ProduceTopicData] = []
        // Each topic: a name (2+ bytes) and a partition array (4); each partition: index (4) and records (4).
        let topicCount = try reader.arrayLength(minimumElementBytes: 6) ?? 0
        topics.reserveCapacity(topicCount)
        for _ in 0..<topicCount {
            let name = try reader.string()
            let partitionCount = try reader.arrayLength(minimumElementBytes: 8) ?? 0
            var partitions: [ProducePartitionData] = []
            partitions.reserveCapacity(partitionCount)
            for _ in 0..<partitionCount {
                let index = try reader.int32()
                let records = try reader.nullableBytes() ?? ByteBuffer()
                partitions.append(ProducePartitionData(partition: index, records: records))
            }
            topics.append(ProduceTopicData(name: name, partitions: partitions))
        }
        return Request(
            transactionalId: transactionalId, produce: ProduceRequest(acks: acks, timeoutMs: timeoutMs, topics: topics))
    }

    /// Kafka's produce rules for one partition's bytes, before the broker's own checks (length, CRC-32C, record
    /// count, `message.max.bytes`, producer state): exactly one batch, of magic 2, base offset 0, no control or
    /// transactional batch, a known codec. Returns the error code and message, or nil when the batch may go on.
    public static func validate(_ records: ByteBuffer) -> (code: ErrorCode, message: String)? {
        records.withUnsafeReadableBytes { bytes in
            guard let header = RecordBatchHeader(parsing: bytes) else {
                return (.corruptMessage, "\(bytes.count) bytes are not a record batch (its header is 61 bytes)")
            }
            guard header.magic == RecordBatchHeader.kafkaMagicValue else {
                return (.invalidRecord, "Produce v3+ carries record batches of magic 2, not magic \(header.magic)")
            }
            guard header.batchLength >= RecordBatchHeader.minimumBatchLength, header.totalSize == bytes.count else {
                return (.invalidRecord, "a Produce request carries exactly one batch per partition")
            }
            guard header.baseOffset == 0 else {
                return (.invalidRecord, "a producer's batch has base offset 0, not \(header.baseOffset)")
            }
            guard !header.isControl else { return (.invalidRecord, "control batches are written only by brokers") }
            guard !header.isTransactional else {
                return (.invalidRecord, "transactional batches are not served (Sluice has no transaction coordinator)")
            }
            guard header.compressionCodec <= 4 else {
                return (.unsupportedCompressionType, "unknown compression codec \(header.compressionCodec)")
            }
            return nil
        }
    }

    /// The response body for `version` (0–8). v0–v2 carry only what their layouts have.
    public static func responseBody(_ response: ProduceResponse, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.array(response.topics) { writer, topic in
            writer.string(topic.name)
            writer.array(topic.partitions) { writer, partition in
                writer.int32(partition.partition)
                writer.int16(partition.errorCode.rawValue)
                writer.int64(partition.baseOffset)
                if version >= 2 { writer.int64(partition.logAppendTimeMs) }
                if version >= 5 { writer.int64(partition.logStartOffset) }
                if version >= 8 {
                    writer.int32(0)  // record_errors: none is attributed to a single record
                    writer.string(partition.errorCode == .none || partition.errorMessage.isEmpty ? nil : partition.errorMessage)
                }
            }
        }
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        return writer.buffer
    }

    /// Every partition of `request` answered with `code` (an unserved version, a transactional producer).
    public static func failAll(_ request: ProduceRequest, _ code: ErrorCode, _ message: String) -> ProduceResponse {
        ProduceResponse(
            topics: request.topics.map { topic in
                ProduceTopicResponse(
                    name: topic.name,
                    partitions: topic.partitions.map {
                        ProducePartitionResponse(partition: $0.partition, errorCode: code, errorMessage: message)
                    })
            })
    }
}
