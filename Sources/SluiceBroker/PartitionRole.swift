import SluiceCluster

/// What this broker is for one partition, and the bookkeeping that role needs. Only `Partition`'s
/// `makeLeader` / `makeFollower` / `makeOffline` transitions replace it, under the partition's lock.
enum PartitionRole: Sendable {
    /// This broker leads: it takes appends and advances the high watermark.
    case leader(LeaderState)
    /// `leaderId` leads at `leaderEpoch`; this replica only takes what it fetches from there.
    case follower(leaderId: Int32, leaderEpoch: Int32)
    /// No leader (`leader == -1` in the metadata); the epoch is the last one known.
    case offline(leaderEpoch: Int32)

    /// The leader epoch this role was set at.
    var leaderEpoch: Int32 {
        switch self {
        case .leader(let state): state.leaderEpoch
        case .follower(_, let epoch): epoch
        case .offline(let epoch): epoch
        }
    }

    /// The leader's broker id as this replica knows it (-1 offline).
    func leader(localBrokerId: Int32) -> Int32 {
        switch self {
        case .leader: localBrokerId
        case .follower(let leaderId, _): leaderId
        case .offline: -1
        }
    }

    /// For messages: `leader at leader epoch 3`, `follower of broker 2 at leader epoch 4`, `offline at leader epoch 5`.
    var summary: String {
        switch self {
        case .leader(let state): "leader at leader epoch \(state.leaderEpoch)"
        case .follower(let leaderId, let epoch): "follower of broker \(leaderId) at leader epoch \(epoch)"
        case .offline(let epoch): "offline at leader epoch \(epoch)"
        }
    }

    /// The role a partition starts in from the metadata's `state`: leader when it names this broker,
    /// offline when it names none (-1), else follower of the broker it names.
    static func initial(_ state: PartitionState, localBrokerId: Int32, nowMs: Int64) -> PartitionRole {
        switch state.leader {
        case localBrokerId:
            .leader(LeaderState(
                leaderEpoch: state.leaderEpoch, replicas: state.replicas, isr: state.isr, localBrokerId: localBrokerId,
                nowMs: nowMs))
        case -1: .offline(leaderEpoch: state.leaderEpoch)
        default: .follower(leaderId: state.leader, leaderEpoch: state.leaderEpoch)
        }
    }
}

/// A leader's view of replication: who is assigned, who is in sync, how far each follower got.
///
/// Kept apart from the log: the log knows offsets, this knows replicas. With one replica the ISR is the
/// leader alone and HW follows LEO, but nothing here assumes it.
struct LeaderState: Sendable {
    /// A follower's progress as its fetches report it (Kafka's `Replica` state on the leader).
    struct Follower: Sendable, Hashable {
        /// Its log end offset; nil until its first fetch at this epoch.
        var logEndOffset: Int64?
        /// When it last fetched up to the leader's LEO (ISR shrink uses it with `replica.lag.time.max.ms`).
        var lastCaughtUpTimeMs: Int64
    }

    var leaderEpoch: Int32
    var replicas: [Int32]
    var isr: [Int32]
    /// Every assigned replica other than this broker. Bound: the replica count.
    var followers: [Int32: Follower]

    init(leaderEpoch: Int32, replicas: [Int32], isr: [Int32], localBrokerId: Int32, nowMs: Int64) {
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        var followers: [Int32: Follower] = [:]
        // Kafka's resetReplicaState on a new leader: LEO unknown, in-sync followers count as caught up now.
        for replica in replicas where replica != localBrokerId {
            followers[replica] = Follower(logEndOffset: nil, lastCaughtUpTimeMs: isr.contains(replica) ? nowMs : 0)
        }
        self.followers = followers
    }

    /// HW candidate: the smallest LEO among ISR members (the leader's own LEO given; unknown counts as 0).
    func highWatermarkCandidate(leaderLogEndOffset: Int64, localBrokerId: Int32) -> Int64 {
        var minimum = leaderLogEndOffset
        for replica in isr where replica != localBrokerId {
            minimum = min(minimum, followers[replica]?.logEndOffset ?? 0)
        }
        return minimum
    }
}

/// A role transition refused: its leader epoch is older than the one the partition is at.
public struct StaleLeaderEpochError: Error, Sendable, Hashable, CustomStringConvertible {
    public var topicPartition: String
    /// The transition asked for.
    public var transition: String
    public var currentEpoch: Int32
    public var requestedEpoch: Int32

    public var description: String {
        "\(transition) of \(topicPartition) at leader epoch \(requestedEpoch) refused: the partition is already "
            + "at leader epoch \(currentEpoch)"
    }
}
