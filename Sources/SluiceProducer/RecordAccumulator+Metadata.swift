import SluiceClient
import SluiceWire

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

    /// Whether `close()` has begun (appends fail with `.closed`).
    var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Stops appends (`.closed`) and makes every batch ready (reason `flush`) so `close()` drains them.
    /// Returns false when `close()` had begun already.
    func beginClose() -> Bool {
        let first = state.withLock { state -> Bool in
            defer {
                state.isClosed = true
                state.isClosing = true
            }
            return !state.isClosed
        }
        wakeup.signal()
        return first
    }
}
