import SluiceObservability

/// Kafka's partition leader election rules as pure functions of one partition's state and the live brokers.
/// The ``Controller`` does the reading and the fenced writes; this decides, and does no I/O.
///
/// Every leader change bumps the leader epoch by one (a deposed leader and its followers are fenced by it); a
/// change of the ISR alone keeps the epoch (the write's version is what orders it, as KRaft's partition epoch).
public enum LeaderElection {
    /// A new state for one partition, and why.
    public struct Decision: Sendable, Hashable {
        /// What to write; `version` still holds the version it was decided from (the CAS compare).
        public var state: PartitionState
        /// The leader before (-1: none).
        public var previousLeader: Int32
        /// How the new leader was chosen; nil when the leader stays (ISR change) or none can lead (offline).
        public var election: LeaderElectionType?

        /// The partition has no leader after this decision.
        public var isOffline: Bool { state.leader == -1 }
    }

    /// After brokers were lost or registered: a partition whose leader is alive drops dead brokers from its ISR
    /// (never its last member); one without a live leader gets the first replica in assignment order that is
    /// alive and in the ISR (**clean**), else — only when `uncleanAllowed` — the first alive replica with an ISR
    /// of itself alone (**unclean**: records it lacks are lost), else it goes offline at a new epoch with its
    /// ISR kept, so a returning member is elected cleanly. nil when nothing changes.
    public static func afterBrokerChange(
        _ state: PartitionState, alive: Set<Int32>, uncleanAllowed: Bool
    ) -> Decision? {
        if state.leader != -1, alive.contains(state.leader) {
            let isr = state.isr.filter { alive.contains($0) }
            assert(isr.contains(state.leader) || !state.isr.contains(state.leader), "a live leader stays in its ISR")
            guard isr != state.isr, !isr.isEmpty else { return nil }
            return Decision(state: with(state, isr: isr), previousLeader: state.leader, election: nil)
        }
        if let clean = state.replicas.first(where: { alive.contains($0) && state.isr.contains($0) }) {
            let isr = state.isr.filter { alive.contains($0) }
            return Decision(state: with(state, leader: clean, isr: isr), previousLeader: state.leader, election: .clean)
        }
        if uncleanAllowed, let unclean = state.replicas.first(where: { alive.contains($0) }) {
            return Decision(
                state: with(state, leader: unclean, isr: [unclean]), previousLeader: state.leader, election: .unclean)
        }
        guard state.leader != -1 else { return nil }  // already offline: no new epoch per broker change
        return Decision(state: with(state, leader: -1, isr: state.isr), previousLeader: state.leader, election: nil)
    }

    /// The first assigned replica leads again when it is alive, in the ISR and not already leading (Kafka's
    /// preferred replica election). nil otherwise.
    public static func preferred(_ state: PartitionState, alive: Set<Int32>) -> Decision? {
        guard let preferred = state.replicas.first, preferred != state.leader else { return nil }
        guard alive.contains(preferred), state.isr.contains(preferred) else { return nil }
        return Decision(
            state: with(state, leader: preferred, isr: state.isr), previousLeader: state.leader, election: .preferred)
    }

    /// `broker` is shutting down in an orderly way: a partition it leads moves to the first other alive ISR
    /// member in assignment order (**controlled**; it stays when there is none, as Kafka leaves it); one it
    /// follows in sync drops it from the ISR. nil when nothing changes.
    public static func controlledShutdown(_ state: PartitionState, broker: Int32, alive: Set<Int32>) -> Decision? {
        let remaining = state.isr.filter { $0 != broker }
        if state.leader == broker {
            guard let next = state.replicas.first(where: { $0 != broker && alive.contains($0) && remaining.contains($0) })
            else { return nil }
            return Decision(
                state: with(state, leader: next, isr: remaining), previousLeader: broker, election: .controlled)
        }
        guard state.isr.contains(broker), state.leader != -1, !remaining.isEmpty else { return nil }
        return Decision(state: with(state, isr: remaining), previousLeader: state.leader, election: nil)
    }

    /// `state` with a new leader at the next leader epoch.
    private static func with(_ state: PartitionState, leader: Int32, isr: [Int32]) -> PartitionState {
        precondition(leader == -1 || isr.contains(leader), "a new leader is in its ISR")
        var next = state
        next.leader = leader
        next.leaderEpoch = state.leaderEpoch + 1
        next.isr = isr
        return next
    }

    /// `state` with only its ISR changed (same leader, same epoch).
    private static func with(_ state: PartitionState, isr: [Int32]) -> PartitionState {
        precondition(isr.contains(state.leader), "the ISR keeps its leader")
        var next = state
        next.isr = isr
        return next
    }
}
