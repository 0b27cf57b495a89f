import SluiceWire

/// Everything the metadata store knows, at one revision.
public struct ClusterSnapshot: Sendable, Hashable {
    public var clusterId: String
    /// The store revision this snapshot was read at: watch from `revision + 1` to follow it.
    public var revision: Int64
    public var controller: ControllerInfo?
    public var brokers: [BrokerInfo]
    public var topics: [String: TopicState]

    public init(
        clusterId: String, revision: Int64, controller: ControllerInfo?, brokers: [BrokerInfo],
        topics: [String: TopicState]
    ) {
        self.clusterId = clusterId
        self.revision = revision
        self.controller = controller
        self.brokers = brokers
        self.topics = topics
    }

    /// The controller's broker id, -1 when none (the wire's value).
    public var controllerId: Int32 { controller?.brokerId ?? -1 }
}
