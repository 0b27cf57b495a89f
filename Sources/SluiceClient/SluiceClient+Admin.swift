import SluiceWire

extension SluiceClient {
    /// Creates topics on the controller. Returns one result per topic; a topic that failed carries
    /// its code (TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, …) and message.
    public func createTopics(_ topics: [CreatableTopic], timeoutMs: Int32 = 30_000) async throws -> [TopicResult] {
        let results = try await onController { connection in
            let response = try await self.send(
                .createTopics(CreateTopicsRequest(topics: topics, timeoutMs: timeoutMs)), on: connection)
            guard case .createTopics(let results) = response.body else {
                throw Self.unexpectedBody(response, expected: "CreateTopics")
            }
            return results.topics
        }
        for topic in topics { cache.invalidate(topic: topic.name) }
        return results
    }

    /// Deletes topics on the controller; one result per topic (UNKNOWN_TOPIC_OR_PARTITION if absent).
    public func deleteTopics(_ names: [String], timeoutMs: Int32 = 30_000) async throws -> [TopicResult] {
        let results = try await onController { connection in
            let response = try await self.send(
                .deleteTopics(DeleteTopicsRequest(topics: names, timeoutMs: timeoutMs)), on: connection)
            guard case .deleteTopics(let results) = response.body else {
                throw Self.unexpectedBody(response, expected: "DeleteTopics")
            }
            return results.topics
        }
        for name in names { cache.invalidate(topic: name) }
        return results
    }

    /// Runs `request` on the controller; when every result says NOT_CONTROLLER (the office moved since the
    /// metadata was read), looks the controller up again and retries, at most 3 times.
    private func onController(
        _ request: @Sendable (BrokerConnection) async throws -> [TopicResult]
    ) async throws -> [TopicResult] {
        var results: [TopicResult] = []
        for _ in 0..<3 {
            results = try await request(try await controllerConnection())
            guard !results.isEmpty, results.allSatisfy({ $0.errorCode == .notController }) else { return results }
            cache.invalidateController()
            _ = try await metadata(topics: [])
        }
        return results
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

    /// Asks the controller for preferred leader elections on `topics` (every topic when empty): each partition
    /// whose first assigned replica is alive, in sync and not leading gets it back as leader. Returns the
    /// elections made. Throws NOT_CONTROLLER (retriable) when the controller moved meanwhile.
    public func electLeaders(topics: [String] = []) async throws -> [ElectionResult] {
        let connection = try await controllerConnection()
        let response = try await send(.electLeaders(ElectLeadersRequest(topics: topics)), on: connection)
        guard case .electLeaders(let result) = response.body else {
            throw Self.unexpectedBody(response, expected: "ElectLeaders")
        }
        guard result.errorCode == .none else {
            cache.invalidateController()
            throw SluiceError(result.errorCode, result.errorMessage)
        }
        for election in result.elections { cache.invalidate(topic: election.topic) }
        return result.elections
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
