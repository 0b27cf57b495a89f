/// The replicated state of one partition as the metadata store holds it (Kafka's LeaderAndIsr).
///
/// `leaderEpoch` grows by one at every leader change; `isr` ⊆ `replicas`; `leader` is -1 when offline.
public struct PartitionState: Codable, Sendable, Hashable {
    public var partition: Int32
    /// Assigned replicas (AR), in preference order.
    public var replicas: [Int32]
    public var leader: Int32
    public var leaderEpoch: Int32
    public var isr: [Int32]
    /// The controller epoch of the controller that wrote this state (fencing; 0 with the embedded store).
    public var controllerEpoch: Int64

    public init(partition: Int32, replicas: [Int32], leader: Int32, leaderEpoch: Int32, isr: [Int32], controllerEpoch: Int64 = 0) {
        precondition(!replicas.isEmpty, "a partition needs at least one replica")
        self.partition = partition
        self.replicas = replicas
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.controllerEpoch = controllerEpoch
    }
}
