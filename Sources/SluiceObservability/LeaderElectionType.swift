/// How a partition leader was chosen: the `ELECTION` field of `leader_elected` and the `type` label of
/// `sluice_leader_elections_total`.
public enum LeaderElectionType: String, Sendable, CaseIterable {
    /// First alive ISR member in assignment order took over.
    case clean
    /// No ISR member was alive and `unclean.leader.election.enable=true` let an out-of-sync replica lead:
    /// acknowledged records may be lost.
    case unclean
    /// Leadership moved away from a broker shutting down in an orderly way.
    case controlled
    /// Leadership returned to the first assigned replica.
    case preferred
}
