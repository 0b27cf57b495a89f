/// The values last written to each checkpoint file, so a rewrite of an unchanged value is skipped.
/// Lives behind its own lock, which serializes checkpoint writes (taken before, never inside, the log's lock).
struct CheckpointRecord: Sendable {
    var highWatermark: Int64?
    var recoveryPoint: Int64?
    var leaderEpochs: [LeaderEpochEntry]?
}
