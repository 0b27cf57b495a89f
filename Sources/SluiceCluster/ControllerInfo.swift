/// Who the controller is: the broker holding the controller key, and the key's epoch (its create revision).
public struct ControllerInfo: Sendable, Hashable, Codable {
    public var brokerId: Int32
    /// Greater than every earlier controller's epoch, ≥ 1; fences writes of a deposed controller.
    public var epoch: Int64

    public init(brokerId: Int32, epoch: Int64) {
        precondition(epoch >= 1, "controller epochs start at 1")
        self.brokerId = brokerId
        self.epoch = epoch
    }
}

/// A controller write's proof of office: the controller epoch it won. The store refuses it (`.fenced`) once
/// another campaign has won, or the controller resigned or lost its session.
public struct ControllerFence: Sendable, Hashable {
    public var epoch: Int64

    public init(epoch: Int64) { self.epoch = epoch }
}

/// Who writes a partition state, and what fences the write.
public enum PartitionWriteFence: Sendable, Hashable {
    /// The controller at `epoch` (leader elections, reassignment).
    case controller(ControllerFence)
    /// The partition's leader `brokerId`, changing only the ISR at `leaderEpoch` (Kafka's AlterPartition).
    case leader(brokerId: Int32, leaderEpoch: Int32)
}
