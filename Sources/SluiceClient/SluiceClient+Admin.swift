import SluiceWire

extension SluiceClient {
    /// Creates topics on the controller. Returns one result per topic; a topic that failed carries
    /// its code (TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, …) and message.
    public func createTopics(_ topics: [CreatableTopic], timeoutMs: Int32 = 30_000) async throws -> [TopicResult] {
        let connection = try await controllerConnection()
        let response = try await send(
            .createTopics(CreateTopicsRequest(topics: topics, timeoutMs: timeoutMs)), on: connection)
        guard case .createTopics(let results) = response.body else {
            throw Self.unexpectedBody(response, expected: "CreateTopics")
        }
        for topic in topics { cache.invalidate(topic: topic.name) }
        return results.topics
    }

    /// Deletes topics on the controller; one result per topic (UNKNOWN_TOPIC_OR_PARTITION if absent).
    public func deleteTopics(_ names: [String], timeoutMs: Int32 = 30_000) async throws -> [TopicResult] {
        let connection = try await controllerConnection()
        let response = try await send(
            .deleteTopics(DeleteTopicsRequest(topics: names, timeoutMs: timeoutMs)), on: connection)
        guard case .deleteTopics(let results) = response.body else {
            throw Self.unexpectedBody(response, expected: "DeleteTopics")
        }
        for name in names { cache.invalidate(topic: name) }
        return results.topics
    }

    /// Describes topics (partitions, leaders, ISR, offsets, sizes, configs); `[]` describes every topic.
    public func describeTopics(_ names: [String] = []) async throws -> [TopicDescription] {
        let connection = try await anyConnection()
        let response = try await send(.describeTopics(DescribeTopicsRequest(topics: names)), on: connection)
        guard case .describeTopics(let description) = response.body else {
            throw Self.unexpectedBody(response, expected: "DescribeTopics")
        }
        return description.topics
    }

    /// Describes the cluster: id, controller, metadata store and brokers.
    public func describeCluster() async throws -> DescribeClusterResponse {
        let connection = try await anyConnection()
        let response = try await send(.describeCluster, on: connection)
        guard case .describeCluster(let description) = response.body else {
            throw Self.unexpectedBody(response, expected: "DescribeCluster")
        }
        return description
    }

    /// The controller's connection (admin requests go there, as in Kafka); any broker while no
    /// controller is known.
    func controllerConnection() async throws -> BrokerConnection {
        if cache.controller == nil {
            _ = try await metadata(topics: [])
        }
        guard let controller = cache.controller else { return try await anyConnection() }
        return try await connection(to: BrokerAddress(controller))
    }
}
