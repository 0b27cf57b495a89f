/// Which checkpoint files a step must rewrite.
struct CheckpointKinds: OptionSet, Sendable {
    let rawValue: UInt8
    static let highWatermark = CheckpointKinds(rawValue: 1 << 0)
    static let recoveryPoint = CheckpointKinds(rawValue: 1 << 1)
    static let leaderEpochs = CheckpointKinds(rawValue: 1 << 2)
    static let all: CheckpointKinds = [.highWatermark, .recoveryPoint, .leaderEpochs]
}
