/// The classic group protocol's states (Kafka's `GroupState`), with the names DescribeGroups and ListGroups report.
public enum GroupState: String, Sendable, CaseIterable {
    /// No members; the group may still hold committed offsets.
    case empty = "Empty"
    /// A rebalance started: members are (re)joining until all have, or the rebalance timeout passes.
    case preparingRebalance = "PreparingRebalance"
    /// The join phase ended: the generation's leader is computing the assignment (SyncGroup).
    case completingRebalance = "CompletingRebalance"
    /// Every member has its assignment for the current generation.
    case stable = "Stable"
}
