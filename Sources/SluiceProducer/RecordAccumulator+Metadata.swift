import SluiceClient
import SluiceWire

/// The accumulator's view of the cluster, from Metadata answers: topic layouts (which `send` reads under the
/// lock to pick a partition) and brokers (where the sender connects). Stands alone once `RecordAccumulator`
/// is known: it changes no deque and no counter.
extension RecordAccumulator {
    /// Applies a Metadata answer: brokers, and the layout of each topic it names. A topic answered with an
    /// error keeps its previous layout unless it no longer exists (then sends fetch again and wait).
    /// Wakes the sender: leaders may now be known.
    func updateMetadata(_ response: MetadataResponse) {
        state.withLock { state in
            var brokers: [Int32: BrokerInfo] = [:]
            for broker in response.brokers { brokers[broker.nodeId] = broker }
            state.brokers = brokers
            for topic in response.topics {
                if topic.errorCode == .none, !topic.partitions.isEmpty {
                    topicEntry(topic.name, in: &state).layout = TopicLayout(topic)
                } else if topic.errorCode == .unknownTopicOrPartition {
                    state.topics[topic.name]?.layout = nil
                }
            }
        }
        wakeup.signal()
    }

    /// Sets a topic's layout directly (tests, and brokers the test names).
    func setLayout(_ layout: TopicLayout, topic: String, brokers: [BrokerInfo]) {
        state.withLock { state in
            topicEntry(topic, in: &state).layout = layout
            for broker in brokers { state.brokers[broker.nodeId] = broker }
        }
    }

    /// The topic's partition count, when its metadata is known (for a custom partitioner).
    @usableFromInline
    func partitionCount(of topic: String) -> Int32? {
        state.withLock { $0.topics[topic]?.layout?.partitionCount }
    }

    /// Topics the producer has metadata for or batches queued for (periodic and on-error refreshes).
    var knownTopics: [String] {
        state.withLock { state in
            state.topics.keys.sorted()
        }
    }

    /// The leader of `topicPartition` as metadata last named it, if any.
    func leader(of topicPartition: TopicPartition) -> Int32? {
        state.withLock { $0.topics[topicPartition.topic]?.layout?.leader(of: topicPartition.partition) }
    }

    /// The address of broker `node`, if metadata named it.
    func broker(_ node: Int32) -> BrokerInfo? {
        state.withLock { $0.brokers[node] }
    }

    /// Any known broker (lowest id), for requests that may go anywhere (InitProducerId).
    var anyBroker: BrokerInfo? {
        state.withLock { state in state.brokers.values.min { $0.nodeId < $1.nodeId } }
    }
}

/// What the producer knows of one topic from Metadata: its partition count and each partition's leader.
///
/// Kept in the accumulator's state, so `send` reads it under the same lock it appends under.
struct TopicLayout: Sendable, Hashable {
    /// Leader node id by partition index; -1 while a partition has no leader.
    let leaders: [Int32]
    /// Partitions with a leader, ascending: where sticky partitioning picks (Kafka's `availablePartitionsForTopic`).
    let availablePartitions: [Int32]

    /// The topic's layout from its Metadata entry (partitions in any order, gaps impossible by construction).
    init(_ metadata: TopicMetadata) {
        let count = (metadata.partitions.map(\.partition).max() ?? -1) + 1
        var leaders = [Int32](repeating: -1, count: Int(count))
        for partition in metadata.partitions where partition.partition >= 0 {
            leaders[Int(partition.partition)] = partition.errorCode == .none ? partition.leader : -1
        }
        self.init(leaders: leaders)
    }

    /// A layout from leaders by partition index (tests).
    init(leaders: [Int32]) {
        self.leaders = leaders
        self.availablePartitions = leaders.indices.filter { leaders[$0] >= 0 }.map { Int32($0) }
    }

    /// Number of partitions.
    var partitionCount: Int32 { Int32(leaders.count) }

    /// The leader of `partition`, or nil when it has none (or does not exist).
    func leader(of partition: Int32) -> Int32? {
        guard partition >= 0, Int(partition) < leaders.count else { return nil }
        let leader = leaders[Int(partition)]
        return leader >= 0 ? leader : nil
    }
}
