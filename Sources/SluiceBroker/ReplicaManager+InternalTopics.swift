import SluiceWire

/// What the group coordinator (SluiceGroups) needs of the replicas of `__consumer_offsets` hosted here: whether
/// this broker leads one and at which epoch, and a replica's high watermark (consumer lag). Reads and writes go
/// through the ordinary `fetch` and `produce`, so the internal topic replicates like any other.
extension ReplicaManager {
    /// The leader epoch of `topicPartition` when this broker leads it, else nil.
    public func leaderEpochIfLeading(_ topicPartition: TopicPartition) -> Int32? {
        guard let hosted = partition(topicPartition), hosted.isLeader else { return nil }
        return hosted.leaderEpoch
    }

    /// The high watermark and log start offset of the replica of `topicPartition` hosted here (a leader's, or a
    /// follower's as its leader last told it), else nil.
    public func offsetsOfReplica(_ topicPartition: TopicPartition) -> (highWatermark: Int64, logStartOffset: Int64)? {
        guard let hosted = partition(topicPartition) else { return nil }
        return (hosted.highWatermark, hosted.logStartOffset)
    }
}
