import SluiceWire

extension SluiceClient {
    /// Sends a Metadata request to any broker and refreshes the cache with the answer.
    ///
    /// - Parameter topics: nil for every topic, `[]` for brokers and controller only.
    public func metadata(topics: [String]?) async throws -> MetadataResponse {
        let connection = try await anyConnection()
        let response = try await send(.metadata(MetadataRequest(topics: topics)), on: connection)
        guard case .metadata(let metadata) = response.body else {
            throw Self.unexpectedBody(response, expected: "Metadata")
        }
        cache.update(with: metadata)
        return metadata
    }

    /// The partitions of `topic`, sorted by index, from the cache or a refresh. Throws
    /// UNKNOWN_TOPIC_OR_PARTITION when the topic does not exist.
    public func partitions(of topic: String) async throws -> [PartitionMetadata] {
        if let cached = cache.topics[topic] { return cached.partitions }
        return try await refreshTopic(topic).partitions
    }

    /// Fetches metadata for one topic; throws the topic's error (e.g. it does not exist).
    func refreshTopic(_ topic: String) async throws -> TopicMetadata {
        let metadata = try await metadata(topics: [topic])
        guard let entry = metadata.topics.first(where: { $0.name == topic }) else {
            throw SluiceError(.unknownTopicOrPartition, "topic '\(topic)' does not exist")
        }
        switch entry.errorCode {
        case .none:
            return entry
        case .unknownTopicOrPartition:
            throw SluiceError(.unknownTopicOrPartition, "topic '\(topic)' does not exist")
        default:
            throw SluiceError(entry.errorCode, "metadata for topic '\(topic)' is not available")
        }
    }

    /// The address of the leader of `topic`-`partition`, refreshing metadata once if the cache has none.
    func leaderAddress(topic: String, partition: Int32) async throws -> BrokerAddress {
        if case .leader(let broker) = cache.leader(topic: topic, partition: partition) {
            return BrokerAddress(broker)
        }
        _ = try await refreshTopic(topic)
        switch cache.leader(topic: topic, partition: partition) {
        case .leader(let broker):
            return BrokerAddress(broker)
        case .topicUnknown:
            throw SluiceError(.unknownTopicOrPartition, "topic '\(topic)' does not exist")
        case .partitionUnknown(let count):
            throw SluiceError(
                .unknownTopicOrPartition,
                "partition \(topic)-\(partition) does not exist (the topic has \(count) partitions)")
        case .leaderUnavailable:
            throw SluiceError(.leaderNotAvailable, "partition \(topic)-\(partition) has no leader")
        case .brokerUnknown(let id):
            throw SluiceError(.leaderNotAvailable, "leader \(id) of \(topic)-\(partition) is not in the broker list")
        }
    }

    /// The connection to the leader of `topic`-`partition`.
    func leaderConnection(topic: String, partition: Int32) async throws -> BrokerConnection {
        try await connection(to: leaderAddress(topic: topic, partition: partition))
    }

    /// Groups partitions by leader. Partitions that cannot be routed (unknown, no leader) come back
    /// as failures with their `SluiceError`, so multi-partition calls answer them per partition.
    func groupByLeader<Item: Sendable>(
        _ items: [(TopicPartition, Item)]
    ) async throws -> (groups: [BrokerAddress: [(TopicPartition, Item)]], failures: [TopicPartition: SluiceError]) {
        var groups: [BrokerAddress: [(TopicPartition, Item)]] = [:]
        var failures: [TopicPartition: SluiceError] = [:]
        for (topicPartition, item) in items {
            do {
                let address = try await leaderAddress(topic: topicPartition.topic, partition: topicPartition.partition)
                groups[address, default: []].append((topicPartition, item))
            } catch let error as SluiceError {
                failures[topicPartition] = error
            }
        }
        return (groups, failures)
    }
}
