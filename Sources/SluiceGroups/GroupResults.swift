import NIOCore
import SluiceWire

/// What a JoinGroup is answered with (Kafka's JoinGroupResponse fields).
public struct JoinGroupResult: Sendable {
    public var errorCode: ErrorCode
    public var generationId: Int32
    public var protocolName: String?
    public var leaderId: String
    public var memberId: String
    /// Every member with its metadata for the chosen protocol: the leader's answer only.
    public var members: [(memberId: String, groupInstanceId: String?, metadata: ByteBuffer)]

    public init(
        errorCode: ErrorCode, generationId: Int32 = -1, protocolName: String? = nil, leaderId: String = "",
        memberId: String = "", members: [(memberId: String, groupInstanceId: String?, metadata: ByteBuffer)] = []
    ) {
        self.errorCode = errorCode
        self.generationId = generationId
        self.protocolName = protocolName
        self.leaderId = leaderId
        self.memberId = memberId
        self.members = members
    }
}

/// What a SyncGroup is answered with: the member's assignment for the generation.
public struct SyncGroupResult: Sendable {
    public var errorCode: ErrorCode
    public var assignment: ByteBuffer

    public init(errorCode: ErrorCode, assignment: ByteBuffer = ByteBuffer()) {
        self.errorCode = errorCode
        self.assignment = assignment
    }
}

/// One group as DescribeGroups reports it.
public struct GroupDescription: Sendable {
    public struct Member: Sendable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        public var metadata: ByteBuffer
        public var assignment: ByteBuffer
    }

    public var errorCode: ErrorCode
    public var groupId: String
    public var state: String
    public var protocolType: String
    public var protocolName: String
    public var members: [Member]
}

/// One group as ListGroups reports it.
public struct GroupListing: Sendable, Hashable {
    public var groupId: String
    public var protocolType: String
    public var state: GroupState
}
