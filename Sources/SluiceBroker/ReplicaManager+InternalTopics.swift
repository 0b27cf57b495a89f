import NIOCore
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

    /// The leader's own log of `topicPartition` from `offset`, up to its log end offset (not only the high
    /// watermark): what a new group coordinator replays. A leader never truncates, so everything below its LEO
    /// will be committed; a commit acknowledged by the old leader may still sit above the new leader's HW
    /// for a moment after the election. Whole batches, at most about `maxBytes`; nil when this broker does not
    /// lead the partition. Throws when the log cannot be read.
    public func readLeaderLog(
        _ topicPartition: TopicPartition, from offset: Int64, maxBytes: Int
    ) throws -> (records: ByteBuffer, logStartOffset: Int64, logEndOffset: Int64)? {
        guard let hosted = partition(topicPartition), hosted.isLeader else { return nil }
        let end = hosted.logEndOffset
        let start = hosted.logStartOffset
        let from = max(offset, start)
        guard from < end else { return (ByteBuffer(), start, end) }
        let range = try hosted.readFileRange(from: from, maxBytes: maxBytes, maxOffset: end)
        return (try range?.readBytes() ?? ByteBuffer(), start, end)
    }
}
