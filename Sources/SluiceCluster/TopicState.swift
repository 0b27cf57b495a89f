/// A topic as the metadata store holds it: its partitions' states and its per-topic config overrides.
public struct TopicState: Codable, Sendable, Hashable {
    public var name: String
    public var partitions: [PartitionState]
    /// Per-topic overrides given at creation (`--config k=v`), e.g. `retention.ms`.
    public var configs: [String: String]

    public init(name: String, partitions: [PartitionState], configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.configs = configs
    }

    /// Replication factor: the size of the first partition's assignment (all partitions share it).
    public var replicationFactor: Int { partitions.first?.replicas.count ?? 0 }
}
