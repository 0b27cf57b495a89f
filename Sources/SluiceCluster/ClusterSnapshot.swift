import SluiceWire

/// Everything the metadata store knows, at one moment.
public struct ClusterSnapshot: Sendable, Hashable {
    public var clusterId: String
    public var controllerId: Int32
    public var brokers: [BrokerInfo]
    public var topics: [String: TopicState]

    public init(clusterId: String, controllerId: Int32, brokers: [BrokerInfo], topics: [String: TopicState]) {
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.topics = topics
    }
}
