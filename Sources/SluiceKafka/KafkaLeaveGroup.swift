import NIOCore
import SluiceWire

/// LeaveGroup (key 13), v0–v3, non-flexible: one member (v0–v2) or a batch of members (v3+).
public enum KafkaLeaveGroup {
    public struct Request: Sendable, Equatable {
        public var groupId: String
        public var memberIds: [String]
    }

    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        let groupId = try reader.string()
        guard version >= 3 else { return Request(groupId: groupId, memberIds: [try reader.string()]) }
        let count = try reader.arrayLength(minimumElementBytes: 4) ?? 0
        var members: [String] = []
        for _ in 0..<count {
            members.append(try reader.string())
            _ = try reader.nullableString()  // group_instance_id
        }
        return Request(groupId: groupId, memberIds: members)
    }

    public static func responseBody(errorCode: ErrorCode, members: [(String, ErrorCode)], version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        // v0–v2 name one member: its error is the request's.
        writer.int16((version >= 3 ? errorCode : members.first?.1 ?? errorCode).rawValue)
        if version >= 3 {
            writer.array(members) { writer, member in
                writer.string(member.0)
                writer.string(nil)
                writer.int16(member.1.rawValue)
            }
        }
        return writer.buffer
    }
}
