import SluiceWire

/// What the metadata cache knows about a partition's leader.
enum LeaderLookup: Sendable, Hashable {
    /// The leader and its address.
    case leader(BrokerInfo)
    /// The topic is not in the cache (never fetched, invalidated, or it does not exist).
    case topicUnknown
    /// The topic is known but has no such partition; carries its partition count.
    case partitionUnknown(partitionCount: Int)
    /// The partition has no leader right now (election in progress, or offline).
    case leaderUnavailable
    /// The leader's id is not in the broker list of the same metadata.
    case brokerUnknown(Int32)
}
