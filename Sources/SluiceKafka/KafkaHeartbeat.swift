import NIOCore
import SluiceWire

/// Heartbeat (key 12), v0–v3, non-flexible.
public enum KafkaHeartbeat {
    public struct Request: Sendable, Equatable {
        public var groupId: String
        public var generationId: Int32
        public var memberId: String
        public var groupInstanceId: String?
    }

    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        Request(
            groupId: try reader.string(), generationId: try reader.int32(), memberId: try reader.string(),
            groupInstanceId: version >= 3 ? try reader.nullableString() : nil)
    }

    public static func responseBody(errorCode: ErrorCode, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter(capacity: 8)
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        writer.int16(errorCode.rawValue)
        return writer.buffer
    }
}
