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
    /// The controller epoch of the controller that wrote this state (fencing; 0 in files written before
    /// controller campaigns existed).
    public var controllerEpoch: Int64
    /// The store revision of this state's last write (etcd's mod_revision): the compare of the next write.
    /// 0 in files written before versions existed (the store gives them its revision at load).
    public var version: Int64

    public init(
        partition: Int32, replicas: [Int32], leader: Int32, leaderEpoch: Int32, isr: [Int32],
        controllerEpoch: Int64 = 0, version: Int64 = 0
    ) {
        precondition(!replicas.isEmpty, "a partition needs at least one replica")
        self.partition = partition
        self.replicas = replicas
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.controllerEpoch = controllerEpoch
        self.version = version
    }

    private enum CodingKeys: String, CodingKey {
        case partition, replicas, leader, leaderEpoch, isr, controllerEpoch, version
    }

    /// Decodes today's and older files: `controllerEpoch` and `version` may be absent (0).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.partition = try container.decode(Int32.self, forKey: .partition)
        self.replicas = try container.decode([Int32].self, forKey: .replicas)
        self.leader = try container.decode(Int32.self, forKey: .leader)
        self.leaderEpoch = try container.decode(Int32.self, forKey: .leaderEpoch)
        self.isr = try container.decode([Int32].self, forKey: .isr)
        self.controllerEpoch = try container.decodeIfPresent(Int64.self, forKey: .controllerEpoch) ?? 0
        self.version = try container.decodeIfPresent(Int64.self, forKey: .version) ?? 0
        guard !replicas.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .replicas, in: container, debugDescription: "partition \(partition) has no replicas")
        }
    }
}
