/// The leader-side view of a partition's replication: who leads, at which epoch, who is in sync.
///
/// Kept apart from the log: the log knows offsets, this knows replicas. With one replica the ISR is
/// the leader alone and HW follows LEO, but nothing here assumes it.
struct ReplicaState: Sendable {
    var leader: Int32
    var leaderEpoch: Int32
    var replicas: [Int32]
    var isr: [Int32]
    /// Log end offsets of followers as their fetches report them (replica id → LEO).
    var followerLogEndOffsets: [Int32: Int64] = [:]

    /// HW candidate: the smallest LEO among ISR members (the leader's own LEO given).
    func highWatermarkCandidate(leaderLogEndOffset: Int64, localBrokerId: Int32) -> Int64 {
        var minimum = leaderLogEndOffset
        for replica in isr where replica != localBrokerId {
            minimum = min(minimum, followerLogEndOffsets[replica] ?? 0)
        }
        return minimum
    }
}
