import NIOCore
import SluiceWire

/// SyncGroup (key 14), v0–v3, non-flexible.
public enum KafkaSyncGroup {
    public struct Request: Sendable {
        public var groupId: String
        public var generationId: Int32
        public var memberId: String
        public var groupInstanceId: String?
        public var assignments: [String: ByteBuffer]
    }

    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        let groupId = try reader.string()
        let generationId = try reader.int32()
        let memberId = try reader.string()
        let groupInstanceId = version >= 3 ? try reader.nullableString() : nil
        let count = try reader.arrayLength(minimumElementBytes: 6) ?? 0
        var assignments: [String: ByteBuffer] = [:]
        for _ in 0..<count {
            let member = try reader.string()
            assignments[member] = try reader.nullableBytes() ?? ByteBuffer()
        }
        return Request(
            groupId: groupId, generationId: generationId, memberId: memberId, groupInstanceId: groupInstanceId,
            assignments: assignments)
    }

    public static func responseBody(errorCode: ErrorCode, assignment: ByteBuffer, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        writer.int16(errorCode.rawValue)
        writer.nullableBytes(assignment)
        return writer.buffer
    }
}
