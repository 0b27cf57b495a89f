import NIOCore
import SluiceWire

/// JoinGroup (key 11), v0–v5, non-flexible.
public enum KafkaJoinGroup {
    public struct Request: Sendable {
        public var groupId: String
        public var sessionTimeoutMs: Int32
        /// v1+; -1 before.
        public var rebalanceTimeoutMs: Int32
        public var memberId: String
        /// v5+.
        public var groupInstanceId: String?
        public var protocolType: String
        public var protocols: [(name: String, metadata: ByteBuffer)]
    }

    public struct Response: Sendable {
        public var errorCode: ErrorCode
        public var generationId: Int32
        public var protocolName: String
        public var leader: String
        public var memberId: String
        public var members: [(memberId: String, groupInstanceId: String?, metadata: ByteBuffer)]

        public init(
            errorCode: ErrorCode, generationId: Int32, protocolName: String, leader: String, memberId: String,
            members: [(memberId: String, groupInstanceId: String?, metadata: ByteBuffer)]
        ) {
            self.errorCode = errorCode
            self.generationId = generationId
            self.protocolName = protocolName
            self.leader = leader
            self.memberId = memberId
            self.members = members
        }
    }

    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        let groupId = try reader.string()
        let sessionTimeoutMs = try reader.int32()
        let rebalanceTimeoutMs = version >= 1 ? try reader.int32() : -1
        let memberId = try reader.string()
        let groupInstanceId = version >= 5 ? try reader.nullableString() : nil
        let protocolType = try reader.string()
        let count = try reader.arrayLength(minimumElementBytes: 6) ?? 0
        var protocols: [(name: String, metadata: ByteBuffer)] = []
        protocols.reserveCapacity(count)
        for _ in 0..<count { protocols.append((try reader.string(), try reader.nullableBytes() ?? ByteBuffer())) }
        return Request(
            groupId: groupId, sessionTimeoutMs: sessionTimeoutMs, rebalanceTimeoutMs: rebalanceTimeoutMs,
            memberId: memberId, groupInstanceId: groupInstanceId, protocolType: protocolType, protocols: protocols)
    }

    public static func responseBody(_ response: Response, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        if version >= 2 { writer.int32(0) }  // throttle_time_ms
        writer.int16(response.errorCode.rawValue)
        writer.int32(response.generationId)
        writer.string(response.protocolName)
        writer.string(response.leader)
        writer.string(response.memberId)
        writer.array(response.members) { writer, member in
            writer.string(member.memberId)
            if version >= 5 { writer.string(member.groupInstanceId) }
            writer.nullableBytes(member.metadata)
        }
        return writer.buffer
    }
}
