import Foundation
import NIOCore
import SluiceWire

/// JoinGroup, SyncGroup, Heartbeat and LeaveGroup: the membership half of the classic protocol. Each checks the
/// coordinator first (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS), then the group's state as Kafka's
/// `GroupCoordinator` does.
extension GroupCoordinator {
    /// A JoinGroup, as decoded from any version.
    public struct JoinRequest: Sendable {
        public var groupId: String
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        public var sessionTimeoutMs: Int32
        /// -1 (v0): the session timeout.
        public var rebalanceTimeoutMs: Int32
        public var protocolType: String
        public var protocols: [(name: String, metadata: ByteBuffer)]
        /// v4+: an unknown member is first answered MEMBER_ID_REQUIRED with its id (KIP-394).
        public var requiresKnownMemberId: Bool

        public init(
            groupId: String, memberId: String, groupInstanceId: String?, clientId: String, clientHost: String,
            sessionTimeoutMs: Int32, rebalanceTimeoutMs: Int32, protocolType: String,
            protocols: [(name: String, metadata: ByteBuffer)], requiresKnownMemberId: Bool
        ) {
            self.groupId = groupId
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.sessionTimeoutMs = sessionTimeoutMs
            self.rebalanceTimeoutMs = rebalanceTimeoutMs
            self.protocolType = protocolType
            self.protocols = protocols
            self.requiresKnownMemberId = requiresKnownMemberId
        }
    }

    /// JoinGroup: parks until the join phase completes (every member rejoined, or the rebalance timeout passed).
    public func join(_ request: JoinRequest) async -> JoinGroupResult {
        let error = await coordinatorError(for: request.groupId)
        guard error == .none else { return JoinGroupResult(errorCode: error, memberId: request.memberId) }
        guard !request.groupId.isEmpty else { return JoinGroupResult(errorCode: .invalidGroupId) }
        guard settings.sessionTimeoutRangeMs.contains(request.sessionTimeoutMs) else {
            return JoinGroupResult(errorCode: .invalidSessionTimeout, memberId: request.memberId)
        }
        let nowMs = monotonicMs()
        let group = groups[request.groupId] ?? ConsumerGroup(groupId: request.groupId)
        guard group.accepts(protocolType: request.protocolType, protocols: request.protocols.map(\.name)) else {
            return JoinGroupResult(errorCode: .inconsistentGroupProtocol, memberId: request.memberId)
        }
        groups[request.groupId] = group
        var memberId = request.memberId
        if let instance = request.groupInstanceId,
            let previous = group.members.values.first(where: { $0.groupInstanceId == instance }),
            previous.memberId != memberId
        {
            // Static membership (KIP-345): a new incarnation of an instance fences the old one at once, rather
            // than the group waiting for the old one's session to run out.
            guard memberId.isEmpty else { return JoinGroupResult(errorCode: .fencedInstanceId, memberId: memberId) }
            group.remove(previous.memberId, answering: .fencedInstanceId)
        }
        if memberId.isEmpty {
            memberId = "\(request.clientId)-\(UUID().uuidString.lowercased())"
            // A static member is known by its instance id: it skips the MEMBER_ID_REQUIRED round trip.
            if request.requiresKnownMemberId, request.groupInstanceId == nil {
                group.pendingMemberIds[memberId] = nowMs + Int64(request.sessionTimeoutMs)
                return JoinGroupResult(errorCode: .memberIdRequired, memberId: memberId)
            }
        } else if group.members[memberId] == nil, group.pendingMemberIds[memberId] == nil {
            return JoinGroupResult(errorCode: .unknownMemberId, memberId: memberId)
        }
        if let existing = group.members[memberId] {
            return await rejoin(existing, group: group, request: request, nowMs: nowMs)
        }
        let member = GroupMember(
            memberId: memberId, groupInstanceId: request.groupInstanceId, clientId: request.clientId,
            clientHost: request.clientHost, sessionTimeoutMs: request.sessionTimeoutMs,
            rebalanceTimeoutMs: request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
            protocols: request.protocols, nowMs: nowMs)
        let wasEmpty = group.isEmpty
        group.add(member, protocolType: request.protocolType)
        group.prepareRebalance(
            reason: wasEmpty ? "join" : "member_joined", nowMs: nowMs,
            initialDelayMs: wasEmpty ? settings.initialRebalanceDelayMs : 0)
        return await park(member, in: group, nowMs: nowMs)
    }

    /// A known member's JoinGroup: in a stable group a follower with unchanged protocols gets the current
    /// generation back at once; anything else (the leader, new metadata, a rebalance under way) joins the
    /// rebalance.
    private func rejoin(
        _ member: GroupMember, group: ConsumerGroup, request: JoinRequest, nowMs: Int64
    ) async -> JoinGroupResult {
        member.lastSeenMs = nowMs
        let unchanged = member.hasSameProtocols(request.protocols)
        if group.state == .stable, unchanged, member.memberId != group.leaderId {
            return JoinGroupResult(
                errorCode: .none, generationId: group.generationId, protocolName: group.protocolName,
                leaderId: group.leaderId ?? "", memberId: member.memberId)
        }
        member.protocols = request.protocols
        member.sessionTimeoutMs = request.sessionTimeoutMs
        if request.rebalanceTimeoutMs >= 0 { member.rebalanceTimeoutMs = request.rebalanceTimeoutMs }
        if group.state != .preparingRebalance {
            group.prepareRebalance(reason: unchanged ? "member_rejoined" : "metadata_changed", nowMs: nowMs, initialDelayMs: 0)
        }
        return await park(member, in: group, nowMs: nowMs)
    }

    /// Parks `member`'s JoinGroup until the join phase completes; completes it now if this was the last one.
    private func park(_ member: GroupMember, in group: ConsumerGroup, nowMs: Int64) async -> JoinGroupResult {
        // A second JoinGroup from the same member replaces the first, which learns it was superseded.
        member.awaitingJoin?.resume(returning: JoinGroupResult(errorCode: .unknownMemberId, memberId: member.memberId))
        return await withCheckedContinuation { continuation in
            member.awaitingJoin = continuation
            if group.joinPhaseIsDue(nowMs: nowMs) { completeJoin(group) }
        }
    }

    /// SyncGroup: the leader's call carries the assignment and completes the phase; the others park until it does.
    public func sync(
        groupId: String, generationId: Int32, memberId: String, assignments: [String: ByteBuffer]
    ) async -> SyncGroupResult {
        let error = await coordinatorError(for: groupId)
        guard error == .none else { return SyncGroupResult(errorCode: error) }
        guard let group = groups[groupId], let member = group.members[memberId] else {
            return SyncGroupResult(errorCode: .unknownMemberId)
        }
        guard generationId == group.generationId else { return SyncGroupResult(errorCode: .illegalGeneration) }
        member.lastSeenMs = monotonicMs()
        switch group.state {
        case .empty, .preparingRebalance:
            return SyncGroupResult(errorCode: .rebalanceInProgress)
        case .stable:
            return SyncGroupResult(errorCode: .none, assignment: member.assignment)
        case .completingRebalance:
            return await withCheckedContinuation { continuation in
                member.awaitingSync?.resume(returning: SyncGroupResult(errorCode: .rebalanceInProgress))
                member.awaitingSync = continuation
                if memberId == group.leaderId { group.completeSync(assignments: assignments) }
            }
        }
    }

    /// Heartbeat: keeps the member's session; REBALANCE_IN_PROGRESS tells it to rejoin.
    public func heartbeat(
        groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil
    ) async -> ErrorCode {
        let error = await coordinatorError(for: groupId)
        guard error == .none else { return error }
        if let instance = groupInstanceId, let group = groups[groupId],
            group.members.values.contains(where: { $0.groupInstanceId == instance && $0.memberId != memberId })
        {
            return .fencedInstanceId
        }
        guard let group = groups[groupId], let member = group.members[memberId] else { return .unknownMemberId }
        member.lastSeenMs = monotonicMs()
        switch group.state {
        case .empty: return .unknownMemberId
        case .preparingRebalance: return .rebalanceInProgress
        case .completingRebalance, .stable:
            return generationId == group.generationId ? .none : .illegalGeneration
        }
    }

    /// LeaveGroup: each member named leaves at once (its error: UNKNOWN_MEMBER_ID when it is not a member), and the
    /// rest rebalance. Returns the group-level error and one per member.
    public func leave(groupId: String, memberIds: [String]) async -> (ErrorCode, [(String, ErrorCode)]) {
        let error = await coordinatorError(for: groupId)
        guard error == .none else { return (error, memberIds.map { ($0, error) }) }
        guard let group = groups[groupId] else { return (.none, memberIds.map { ($0, .unknownMemberId) }) }
        var results: [(String, ErrorCode)] = []
        for memberId in memberIds {
            guard group.members[memberId] != nil else {
                results.append((memberId, .unknownMemberId))
                continue
            }
            group.remove(memberId, answering: .unknownMemberId)
            results.append((memberId, .none))
        }
        if results.contains(where: { $0.1 == .none }) {
            rebalanceAfterLeaving(group, reason: "member_left", nowMs: monotonicMs())
        }
        return (.none, results)
    }
}
