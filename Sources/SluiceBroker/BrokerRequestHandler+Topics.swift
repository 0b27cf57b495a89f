import NIOPosix
import SluiceClient
import SluiceCluster
import SluiceWire

extension BrokerRequestHandler {
    /// Kafka's legal topic names: 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
    static func validateTopicName(_ name: String) throws(SluiceError) {
        guard !name.isEmpty, name.utf8.count <= 249 else {
            throw SluiceError(.invalidTopicException, "topic name must be 1 to 249 characters long")
        }
        guard name != ".", name != ".." else { throw SluiceError(.invalidTopicException, "topic name cannot be '\(name)'") }
        let legal = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard legal else {
            throw SluiceError(.invalidTopicException, "topic name '\(name)' has characters outside [a-zA-Z0-9._-]")
        }
    }

    func createTopics(_ request: CreateTopicsRequest) async -> TopicResultsResponse {
        var results: [TopicResult] = []
        for topic in request.topics {
            do {
                try await createTopic(topic)
                results.append(TopicResult(name: topic.name))
            } catch {
                results.append(TopicResult(name: topic.name, errorCode: error.code, errorMessage: error.message))
            }
        }
        return TopicResultsResponse(topics: results)
    }

    /// The checks a creation of `topic` makes before it reaches the controller: a legal name, 1–100000 partitions,
    /// known topic configurations with valid values. Returns the partition count, replication factor and overrides
    /// with the broker's defaults applied for -1.
    func checkedCreation(
        _ topic: CreatableTopic
    ) throws(SluiceError) -> (partitions: Int32, replicationFactor: Int32, overrides: [String: String]) {
        try Self.validateTopicName(topic.name)
        let partitionCount = topic.numPartitions == -1 ? defaults.numPartitions : topic.numPartitions
        let replicationFactor = topic.replicationFactor == -1 ? defaults.replicationFactor : topic.replicationFactor
        guard partitionCount >= 1, partitionCount <= 100_000 else {
            throw SluiceError(.invalidPartitions, "number of partitions must be between 1 and 100000, not \(partitionCount)")
        }
        var overrides: [String: String] = [:]
        for (key, value) in topic.configs { overrides[key] = value }
        _ = try TopicConfig(overrides)
        return (partitionCount, replicationFactor, overrides)
    }

    /// CreateTopics' validate_only: what creating `topic` would answer, without creating it — the checks of
    /// `checkedCreation`, the topic not existing yet, and a replication factor the registered brokers can hold.
    public func validateCreation(_ topic: CreatableTopic) -> TopicResult {
        do throws(SluiceError) {
            let (_, replicationFactor, _) = try checkedCreation(topic)
            let image = cache.image
            guard image.topics[topic.name] == nil else {
                throw SluiceError(.topicAlreadyExists, "topic '\(topic.name)' already exists")
            }
            guard replicationFactor >= 1, Int(replicationFactor) <= image.brokers.count else {
                throw SluiceError(
                    .invalidReplicationFactor,
                    "replication factor \(replicationFactor) with \(image.brokers.count) registered broker(s)")
            }
            return TopicResult(name: topic.name)
        } catch {
            return TopicResult(name: topic.name, errorCode: error.code, errorMessage: error.message)
        }
    }

    func createTopic(_ topic: CreatableTopic) async throws(SluiceError) {
        let (partitionCount, replicationFactor, overrides) = try checkedCreation(topic)
        let controller = try requireController()
        let revision = try await controller.createTopic(
            name: topic.name, partitions: partitionCount, replicationFactor: replicationFactor, configs: overrides)
        try await awaitApplied(revision, what: "topic '\(topic.name)' was created")
        if let failure = cache.hostFailure(topic: topic.name) {
            throw SluiceError(.kafkaStorageError, "topic '\(topic.name)' created, but its logs could not be opened: \(failure)")
        }
        logger.info("created topic \(topic.name) with \(partitionCount) partition(s), replication factor \(replicationFactor)",
                    metadata: ["sluice.topic": "\(topic.name)"])
    }

    /// auto.create.topics.enable: creates each of `names` this broker does not host, with `num.partitions` and
    /// `default.replication.factor`, as Kafka does for Metadata. Only called when the key is true, so the
    /// produce path pays one partition lookup per topic only then. A name that cannot be created (illegal, a
    /// replication factor above the brokers alive) is logged and left unknown: the request answers
    /// UNKNOWN_TOPIC_OR_PARTITION for it as without the key.
    /// `autoCreate(_:)` when auto.create.topics.enable is true, else nothing: the Kafka listener's Metadata.
    public func autoCreateIfEnabled(_ names: [String]) async {
        guard defaults.autoCreateTopics else { return }
        await autoCreate(names)
    }

    func autoCreate(_ names: [String]) async {
        for name in names where replicaManager.partition(TopicPartition(topic: name, partition: 0)) == nil {
            do {
                try await createTopicAnywhere(CreatableTopic(name: name))
                logger.info("auto-created topic \(name) (auto.create.topics.enable=true)", metadata: ["sluice.topic": "\(name)"])
            } catch where error.code == .topicAlreadyExists {
                continue  // created by a concurrent request, or exists with no partition here
            } catch {
                logger.warning("could not auto-create topic \(name): \(error)", metadata: ["sluice.topic": "\(name)"])
            }
        }
    }

    /// Creates `topic` here when this broker is the controller, else asks the controller over the native protocol
    /// (Kafka's forwarding, KIP-590) and waits until this broker's metadata has it: auto-creation and the
    /// creation of `__consumer_offsets` may happen on any broker. TOPIC_ALREADY_EXISTS passes through.
    public func createTopicAnywhere(_ topic: CreatableTopic) async throws(SluiceError) {
        do {
            return try await createTopic(topic)
        } catch where error.code == .notController {
            // Another broker holds the controller: forward below.
        }
        let image = cache.image
        guard let controllerId = image.controller?.brokerId, let address = image.brokers[controllerId] else {
            throw SluiceError(.notController, "no controller is known to broker \(replicaManager.brokerId) yet")
        }
        let result: TopicResult
        do {
            let connection = try await BrokerConnection.connect(
                to: BrokerAddress(address), clientId: "broker-\(replicaManager.brokerId)-forwarding",
                group: MultiThreadedEventLoopGroup.singleton, connectTimeout: .seconds(2), requestTimeout: metadataApplyTimeout)
            let response: Response
            do { response = try await connection.send(.createTopics(CreateTopicsRequest(topics: [topic]))) } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            guard case .createTopics(let created) = response.body, let first = created.topics.first else {
                throw SluiceError(.unknownServerError, "the controller gave no answer for '\(topic.name)'")
            }
            result = first
        } catch let error as SluiceError {
            throw error
        } catch {
            throw SluiceError(.networkException, "forwarding the creation of '\(topic.name)' to broker \(controllerId): \(error)")
        }
        guard result.errorCode == .none else { throw SluiceError(result.errorCode, result.errorMessage) }
        // Read-your-writes here too: the topic is in this broker's metadata before the caller answers.
        let deadline = ContinuousClock.now.advanced(by: metadataApplyTimeout)
        while cache.image.topics[topic.name] == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func deleteTopics(_ request: DeleteTopicsRequest) async -> TopicResultsResponse {
        guard defaults.deleteTopicEnable else {
            return TopicResultsResponse(topics: request.topics.map { name in
                TopicResult(
                    name: name, errorCode: .topicDeletionDisabled,
                    errorMessage: "topic deletion is disabled on this broker (delete.topic.enable=false)")
            })
        }
        var results: [TopicResult] = []
        for name in request.topics {
            do {
                let revision = try await requireController().deleteTopic(named: name)
                try await awaitApplied(revision, what: "topic '\(name)' was deleted")
                logger.info("deleted topic \(name)", metadata: ["sluice.topic": "\(name)"])
                results.append(TopicResult(name: name))
            } catch {
                results.append(TopicResult(name: name, errorCode: error.code, errorMessage: error.message))
            }
        }
        return TopicResultsResponse(topics: results)
    }

    private func requireController() throws(SluiceError) -> Controller {
        guard let controller else {
            throw SluiceError(.notController, "broker \(replicaManager.brokerId) is not the controller")
        }
        return controller
    }

    /// Read-your-writes: returns once the listener has applied `revision` here (the topic's logs are open or
    /// removed), or throws REQUEST_TIMED_OUT after `metadataApplyTimeout`.
    private func awaitApplied(_ revision: Int64, what: String) async throws(SluiceError) {
        guard await cache.waitUntilApplied(revision, timeout: metadataApplyTimeout) else {
            throw SluiceError(
                .requestTimedOut,
                "\(what) at metadata revision \(revision), but this broker had applied only revision "
                    + "\(cache.revision) after \(metadataApplyTimeout)")
        }
    }
}
