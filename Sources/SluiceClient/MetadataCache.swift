import SluiceWire

/// The client's view of the cluster: brokers by id, topics with their partitions and leaders.
///
/// Pure value type: `SluiceClient` refreshes it with Metadata responses and drops topics whose
/// leaders answered NOT_LEADER_OR_FOLLOWER or UNKNOWN_TOPIC_OR_PARTITION, so the next request
/// refreshes them. Bound: one entry per topic asked about.
struct MetadataCache: Sendable {
    private(set) var brokers: [Int32: BrokerInfo] = [:]
    private(set) var topics: [String: TopicMetadata] = [:]
    private(set) var clusterId: String = ""
    /// -1 until known.
    private(set) var controllerId: Int32 = -1

    /// Replaces brokers and controller, and the topics the response names. Topics with an error
    /// (unknown, leader not available yet) are dropped, so they are asked for again next time.
    mutating func update(with response: MetadataResponse) {
        var brokers: [Int32: BrokerInfo] = [:]
        for broker in response.brokers { brokers[broker.nodeId] = broker }
        self.brokers = brokers
        clusterId = response.clusterId
        controllerId = response.controllerId
        for topic in response.topics {
            if topic.errorCode == .none {
                var sorted = topic
                sorted.partitions.sort { $0.partition < $1.partition }
                topics[topic.name] = sorted
            } else {
                topics[topic.name] = nil
            }
        }
    }

    /// Forgets one topic: its leaders moved or it was deleted.
    mutating func invalidate(topic: String) {
        topics[topic] = nil
    }

    /// Forgets every topic: a broker connection failed, so any leader may have moved.
    mutating func invalidateAll() {
        topics.removeAll()
    }

    /// Forgets the controller: it answered NOT_CONTROLLER, so the next admin request looks it up again.
    mutating func invalidateController() {
        controllerId = -1
    }

    /// The controller's broker entry, when both are known.
    var controller: BrokerInfo? {
        controllerId >= 0 ? brokers[controllerId] : nil
    }

    /// The leader of `topic`-`partition` as far as this cache knows.
    func leader(topic: String, partition: Int32) -> LeaderLookup {
        guard let metadata = topics[topic] else { return .topicUnknown }
        guard let entry = metadata.partitions.first(where: { $0.partition == partition }) else {
            return .partitionUnknown(partitionCount: metadata.partitions.count)
        }
        guard entry.leader >= 0 else { return .leaderUnavailable }
        guard let broker = brokers[entry.leader] else { return .brokerUnknown(entry.leader) }
        return .leader(broker)
    }
}
