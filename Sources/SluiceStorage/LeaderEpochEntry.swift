/// One leader epoch and the first offset its leader wrote (Kafka's `EpochEntry`).
public struct LeaderEpochEntry: Sendable, Hashable, CustomStringConvertible {
    public var epoch: Int32
    public var startOffset: Int64

    public init(epoch: Int32, startOffset: Int64) {
        self.epoch = epoch
        self.startOffset = startOffset
    }

    public var description: String { "\(epoch)@\(startOffset)" }
}
