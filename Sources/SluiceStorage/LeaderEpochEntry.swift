/// One leader epoch and the first offset its leader wrote (Kafka's `EpochEntry`).
public struct LeaderEpochEntry: Sendable, Hashable, CustomStringConvertible {
    /// The leader epoch (bumped by the controller at each election).
    public var epoch: Int32
    /// The first offset written in this epoch.
    public var startOffset: Int64

    /// Memberwise.
    public init(epoch: Int32, startOffset: Int64) {
        self.epoch = epoch
        self.startOffset = startOffset
    }

    /// `epoch@startOffset`.
    public var description: String { "\(epoch)@\(startOffset)" }
}
