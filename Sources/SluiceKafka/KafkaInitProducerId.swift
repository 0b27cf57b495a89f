import NIOCore
import SluiceWire

/// InitProducerId (key 22), v0–v1: a producer id and epoch for an idempotent producer. A transactional id is
/// refused (INVALID_REQUEST): Sluice has no transaction coordinator.
public enum KafkaInitProducerId {
    /// A decoded request.
    public struct Request: Sendable, Equatable {
        public var transactionalId: String?
        public var transactionTimeoutMs: Int32

        public init(transactionalId: String?, transactionTimeoutMs: Int32) {
            self.transactionalId = transactionalId
            self.transactionTimeoutMs = transactionTimeoutMs
        }
    }

    /// Reads a request body of `version` (0–1).
    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        precondition(KafkaApiKey.initProducerId.servedVersions.contains(version), "InitProducerId v\(version) is not served")
        return Request(transactionalId: try reader.nullableString(), transactionTimeoutMs: try reader.int32())
    }

    /// The response body (v0 and v1 share a layout).
    public static func responseBody(_ response: InitProducerIdResponse, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter(capacity: 16)
        writer.int32(0)  // throttle_time_ms
        writer.int16(response.errorCode.rawValue)
        writer.int64(response.producerId)
        writer.int16(response.producerEpoch)
        return writer.buffer
    }
}
