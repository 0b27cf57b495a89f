import NIOCore
import SluiceWire

/// DescribeGroups (key 15), v0–v4, non-flexible.
public enum KafkaDescribeGroups {
    public struct Member: Sendable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        public var metadata: ByteBuffer
        public var assignment: ByteBuffer

        public init(
            memberId: String, groupInstanceId: String?, clientId: String, clientHost: String, metadata: ByteBuffer,
            assignment: ByteBuffer
        ) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.metadata = metadata
            self.assignment = assignment
        }
    }

    public struct Group: Sendable {
        public var errorCode: ErrorCode
        public var groupId: String
        public var state: String
        public var protocolType: String
        public var protocolData: String
        public var members: [Member]

        public init(errorCode: ErrorCode, groupId: String, state: String, protocolType: String, protocolData: String, members: [Member]) {
            self.errorCode = errorCode
            self.groupId = groupId
            self.state = state
            self.protocolType = protocolType
            self.protocolData = protocolData
            self.members = members
        }
    }

    /// The group ids asked for.
    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> [String] {
        let count = try reader.arrayLength(minimumElementBytes: 2) ?? 0
        var groups: [String] = []
        for _ in 0..<count { groups.append(try reader.string()) }
        if version >= 3 { _ = try reader.bool() }  // include_authorized_operations: no ACLs, nothing to report
        return groups
    }

    public static func responseBody(_ groups: [Group], version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        writer.array(groups) { writer, group in
            writer.int16(group.errorCode.rawValue)
            writer.string(group.groupId)
            writer.string(group.state)
            writer.string(group.protocolType)
            writer.string(group.protocolData)
            writer.array(group.members) { writer, member in
                writer.string(member.memberId)
                if version >= 4 { writer.string(member.groupInstanceId) }
                writer.string(member.clientId)
                writer.string(member.clientHost)
                writer.nullableBytes(member.metadata)
                writer.nullableBytes(member.assignment)
            }
            if version >= 3 { writer.int32(Int32.min) }  // authorized_operations: not computed
        }
        return writer.buffer
    }
}
