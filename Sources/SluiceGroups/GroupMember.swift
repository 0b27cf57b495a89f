import NIOCore

/// One member of a consumer group as the coordinator tracks it: identity, the protocols it supports (with its own
/// metadata for each, opaque to the broker), its assignment, liveness, and the requests parked on the group.
final class GroupMember {
    let memberId: String
    let groupInstanceId: String?
    let clientId: String
    let clientHost: String
    var sessionTimeoutMs: Int32
    var rebalanceTimeoutMs: Int32
    /// (protocol name, metadata), in the member's order of preference.
    var protocols: [(name: String, metadata: ByteBuffer)]
    var assignment = ByteBuffer()
    /// Monotonic milliseconds of the last heartbeat, join or sync.
    var lastSeenMs: Int64
    /// A JoinGroup parked until the rebalance completes.
    var awaitingJoin: CheckedContinuation<JoinGroupResult, Never>?
    /// A SyncGroup parked until the leader's assignment arrives.
    var awaitingSync: CheckedContinuation<SyncGroupResult, Never>?

    init(
        memberId: String, groupInstanceId: String?, clientId: String, clientHost: String, sessionTimeoutMs: Int32,
        rebalanceTimeoutMs: Int32, protocols: [(name: String, metadata: ByteBuffer)], nowMs: Int64
    ) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.protocols = protocols
        self.lastSeenMs = nowMs
    }

    /// The member's metadata for `protocol`, empty when it does not support it.
    func metadata(for protocol: String?) -> ByteBuffer {
        protocols.first { $0.name == `protocol` }?.metadata ?? ByteBuffer()
    }

    /// Whether `protocols` is what the member last sent (a rejoin with unchanged metadata needs no rebalance).
    func hasSameProtocols(_ other: [(name: String, metadata: ByteBuffer)]) -> Bool {
        protocols.count == other.count
            && zip(protocols, other).allSatisfy { $0.name == $1.name && $0.metadata == $1.metadata }
    }
}
