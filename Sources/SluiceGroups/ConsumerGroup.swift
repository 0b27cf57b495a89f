import NIOCore
import SluiceWire

/// One consumer group's membership and rebalance state (Kafka's classic protocol, `GroupMetadata`): its members,
/// the generation, the protocol chosen, the leader, and the deadlines of the phase it is in. Owned by the
/// `GroupCoordinator` actor; its invariants live here:
/// - `generationId` grows by one per completed join phase, never otherwise;
/// - in `.completingRebalance` and `.stable`, `leaderId` is a member and `protocolName` is supported by every member;
/// - `.empty` has no members; a member parked in a JoinGroup exists only in `.preparingRebalance`.
final class ConsumerGroup {
    let groupId: String
    private(set) var state: GroupState = .empty
    private(set) var generationId: Int32 = 0
    private(set) var protocolType: String?
    private(set) var protocolName: String?
    private(set) var leaderId: String?
    private(set) var members: [String: GroupMember] = [:]
    /// Member ids handed out with MEMBER_ID_REQUIRED (JoinGroup v4+) and not joined yet, with when they expire.
    var pendingMemberIds: [String: Int64] = [:]
    /// Why the current (or last) rebalance started: the `reason` label and the event's REASON.
    private(set) var rebalanceReason = "join"
    /// `.preparingRebalance`: when members that have not rejoined are dropped and the phase completes anyway.
    private(set) var rebalanceDeadlineMs: Int64 = 0
    /// `.preparingRebalance` from `.empty`: the join phase does not complete before this
    /// (`group.initial.rebalance.delay.ms`), so the first consumers of a group land in one generation.
    private(set) var initialDelayUntilMs: Int64 = 0
    /// Wall-clock time the group last became empty (0: not since this coordinator loaded it): its offsets
    /// expire `offsets.retention.minutes` after this.
    var emptySinceMs: Int64 = 0

    init(groupId: String) {
        self.groupId = groupId
    }

    var isEmpty: Bool { members.isEmpty }

    /// Members in join order (by id: stable, for leader choice and responses).
    var sortedMembers: [GroupMember] { members.values.sorted { $0.memberId < $1.memberId } }

    /// Whether `protocols` can join: same protocol type as the group's, and at least one protocol every current
    /// member supports too (Kafka's INCONSISTENT_GROUP_PROTOCOL otherwise).
    func accepts(protocolType: String, protocols: [String]) -> Bool {
        guard !protocols.isEmpty else { return false }
        if let current = self.protocolType, !members.isEmpty, current != protocolType { return false }
        let candidates = members.values.reduce(Set(protocols)) { common, member in
            common.intersection(member.protocols.map(\.name))
        }
        return !candidates.isEmpty
    }

    func add(_ member: GroupMember, protocolType: String) {
        precondition(members[member.memberId] == nil, "member \(member.memberId) joined twice")
        if members.isEmpty { self.protocolType = protocolType }
        members[member.memberId] = member
        pendingMemberIds[member.memberId] = nil
    }

    /// Removes a member; a parked request of its is answered `errorCode`.
    func remove(_ memberId: String, answering errorCode: ErrorCode) {
        guard let member = members.removeValue(forKey: memberId) else { return }
        member.awaitingJoin?.resume(returning: JoinGroupResult(errorCode: errorCode, memberId: memberId))
        member.awaitingJoin = nil
        member.awaitingSync?.resume(returning: SyncGroupResult(errorCode: errorCode))
        member.awaitingSync = nil
        if leaderId == memberId { leaderId = nil }
    }

    /// Starts a rebalance (or keeps the one under way): parked SyncGroups learn REBALANCE_IN_PROGRESS, and every
    /// member must rejoin by the largest rebalance timeout.
    func prepareRebalance(reason: String, nowMs: Int64, initialDelayMs: Int64) {
        for member in members.values {
            member.awaitingSync?.resume(returning: SyncGroupResult(errorCode: .rebalanceInProgress))
            member.awaitingSync = nil
        }
        guard state != .preparingRebalance else { return }
        if state == .empty { initialDelayUntilMs = nowMs + initialDelayMs } else { initialDelayUntilMs = nowMs }
        rebalanceReason = reason
        let timeoutMs = members.values.map { Int64($0.rebalanceTimeoutMs) }.max() ?? 0
        rebalanceDeadlineMs = nowMs + max(timeoutMs, 0)
        state = .preparingRebalance
    }

    /// Whether the join phase can complete at `nowMs`: every member has rejoined (and the initial delay is over),
    /// or the rebalance timeout passed.
    func joinPhaseIsDue(nowMs: Int64) -> Bool {
        guard state == .preparingRebalance else { return false }
        if nowMs >= rebalanceDeadlineMs { return true }
        return nowMs >= initialDelayUntilMs && members.values.allSatisfy { $0.awaitingJoin != nil }
    }

    /// Ends the join phase: drops members that did not rejoin, bumps the generation, picks the protocol (Kafka's
    /// vote: each member votes for its most preferred protocol all members support) and the leader (the previous
    /// one if still here), and answers every parked JoinGroup — the leader with the member list. An empty group
    /// goes back to `.empty` at the new generation. Returns the members that were dropped.
    @discardableResult
    func completeJoinPhase() -> [String] {
        precondition(state == .preparingRebalance, "completing a join phase in \(state)")
        let dropped = members.values.filter { $0.awaitingJoin == nil }.map(\.memberId)
        for memberId in dropped { remove(memberId, answering: .unknownMemberId) }
        generationId += 1
        guard !members.isEmpty else {
            state = .empty
            protocolName = nil
            leaderId = nil
            return dropped
        }
        protocolName = Self.vote(members.values.map { $0.protocols.map(\.name) })
        if leaderId == nil || members[leaderId!] == nil { leaderId = sortedMembers.first!.memberId }
        state = .completingRebalance
        let everyone = sortedMembers.map { ($0.memberId, $0.groupInstanceId, $0.metadata(for: protocolName)) }
        for member in members.values {
            member.assignment = ByteBuffer()
            let result = JoinGroupResult(
                errorCode: .none, generationId: generationId, protocolName: protocolName, leaderId: leaderId!,
                memberId: member.memberId, members: member.memberId == leaderId ? everyone : [])
            member.awaitingJoin?.resume(returning: result)
            member.awaitingJoin = nil
        }
        return dropped
    }

    /// The leader's SyncGroup: every member gets its assignment (none named: empty), parked SyncGroups are
    /// answered, and the group is stable.
    func completeSync(assignments: [String: ByteBuffer]) {
        precondition(state == .completingRebalance, "assignments in \(state)")
        for member in members.values {
            member.assignment = assignments[member.memberId] ?? ByteBuffer()
            member.awaitingSync?.resume(returning: SyncGroupResult(errorCode: .none, assignment: member.assignment))
            member.awaitingSync = nil
        }
        state = .stable
    }

    /// Kafka's protocol choice: among the protocols every member supports, each member votes for the first of its
    /// own list; most votes wins, ties broken by the order of the first member's list.
    static func vote(_ preferences: [[String]]) -> String? {
        guard let first = preferences.first else { return nil }
        let common = preferences.dropFirst().reduce(Set(first)) { $0.intersection($1) }
        var votes: [String: Int] = [:]
        for preference in preferences {
            if let choice = preference.first(where: common.contains) { votes[choice, default: 0] += 1 }
        }
        return first.filter(common.contains).max { (votes[$0] ?? 0) < (votes[$1] ?? 0) }
    }

    /// Answers every parked request with `errorCode` and forgets the members (coordinator moved or stopped).
    func abandon(answering errorCode: ErrorCode) {
        for memberId in Array(members.keys) { remove(memberId, answering: errorCode) }
        state = .empty
    }
}
