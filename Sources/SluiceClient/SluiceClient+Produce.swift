import NIOCore
import SluiceWire

extension SluiceClient {
    /// Produces one batch (built with `RecordBatchBuilder`) to one partition and waits for the answer.
    ///
    /// Throws for routing failures (unknown topic, no leader), connection failures and timeouts;
    /// returns the partition's response otherwise, whose `errorCode` may be set. acks=0 returns once
    /// written, with base offset -1. No retries: the producer library owns retry policy.
    ///
    /// - Parameters:
    ///   - acks: 0, 1 or -1 (all).
    ///   - timeoutMs: how long the leader may wait for the ISR (acks=all).
    public func produce(
        topic: String, partition: Int32, batch: ByteBuffer, acks: Int16 = -1, timeoutMs: Int32 = 30_000
    ) async throws -> ProducePartitionResponse {
        try await startProduce(topic: topic, partition: partition, batch: batch, acks: acks, timeoutMs: timeoutMs)
            .acknowledgement().response
    }

    /// Writes one batch to its leader and returns without waiting for the answer.
    ///
    /// Batches started one after another from one task go out in that order on the leader's
    /// connection, so a partition's batches stay ordered while several are in flight.
    public func startProduce(
        topic: String, partition: Int32, batch: ByteBuffer, recordCount: Int = 0, acks: Int16 = -1,
        timeoutMs: Int32 = 30_000
    ) async throws -> InFlightProduce {
        let connection = try await leaderConnection(topic: topic, partition: partition)
        let body = RequestBody.produce(
            ProduceRequest(
                acks: acks, timeoutMs: timeoutMs,
                topics: [
                    ProduceTopicData(
                        name: topic, partitions: [ProducePartitionData(partition: partition, records: batch)])
                ]))
        let startedAt = ContinuousClock.now
        let completion: InFlightProduce.Completion
        let completed = CompletionFlag()
        if acks == 0 {
            let written = connection.writeNoResponse(body).map { ContinuousClock.now }
            written.whenComplete { _ in completed.set() }
            completion = .written(written)
        } else {
            let answered = connection.write(body).map { ($0, ContinuousClock.now) }
            answered.whenComplete { _ in completed.set() }
            completion = .answered(answered)
        }
        return InFlightProduce(
            topicPartition: TopicPartition(topic: topic, partition: partition), recordCount: recordCount,
            startedAt: startedAt, completion: completion, completed: completed, address: connection.address,
            client: self)
    }

    /// Produces batches to many partitions: one request per leader, sent concurrently.
    ///
    /// Never throws for one partition's failure: routing and connection failures come back as that
    /// partition's `errorCode` (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NETWORK_EXCEPTION, …).
    /// Results follow the order of `topics`. acks=0 answers NONE with base offset -1 once written.
    public func produce(_ topics: [ProduceTopicData], acks: Int16 = -1, timeoutMs: Int32 = 30_000) async throws
        -> [ProduceTopicResponse]
    {
        var items: [(TopicPartition, ByteBuffer)] = []
        for topic in topics {
            for data in topic.partitions {
                items.append((TopicPartition(topic: topic.name, partition: data.partition), data.records))
            }
        }
        let (groups, failures) = try await groupByLeader(items)
        var results: [TopicPartition: ProducePartitionResponse] = [:]
        for (topicPartition, error) in failures {
            results[topicPartition] = ProducePartitionResponse(
                partition: topicPartition.partition, errorCode: error.code, errorMessage: error.message)
        }
        var requests: [(Result<BrokerConnection, SluiceError>, [(TopicPartition, ByteBuffer)])] = []
        for (address, group) in groups {
            requests.append((await connectionResult(to: address), group))
        }
        let answers = await Self.sendProduceRequests(requests, acks: acks, timeoutMs: timeoutMs)
        for (topicPartition, response) in answers {
            results[topicPartition] = response
            if Self.meansStaleMetadata(response.errorCode) || response.errorCode == .networkException {
                cache.invalidate(topic: topicPartition.topic)
            }
        }
        return topics.map { topic in
            ProduceTopicResponse(
                name: topic.name,
                partitions: topic.partitions.map { data in
                    results[TopicPartition(topic: topic.name, partition: data.partition)]
                        ?? ProducePartitionResponse(partition: data.partition, errorCode: .unknownServerError)
                })
        }
    }

    /// Sends one Produce request per leader concurrently; a leader that failed answers each of its
    /// partitions with the failure's code.
    static func sendProduceRequests(
        _ requests: [(Result<BrokerConnection, SluiceError>, [(TopicPartition, ByteBuffer)])], acks: Int16,
        timeoutMs: Int32
    ) async -> [(TopicPartition, ProducePartitionResponse)] {
        await withTaskGroup(of: [(TopicPartition, ProducePartitionResponse)].self) { taskGroup in
            for (connection, partitions) in requests {
                taskGroup.addTask {
                    await sendProduceRequest(connection, partitions, acks: acks, timeoutMs: timeoutMs)
                }
            }
            var all: [(TopicPartition, ProducePartitionResponse)] = []
            for await answers in taskGroup { all.append(contentsOf: answers) }
            return all
        }
    }

    /// Sends one leader's partitions in one request; failures become per-partition error responses.
    static func sendProduceRequest(
        _ connection: Result<BrokerConnection, SluiceError>, _ partitions: [(TopicPartition, ByteBuffer)],
        acks: Int16, timeoutMs: Int32
    ) async -> [(TopicPartition, ProducePartitionResponse)] {
        var byTopic: [String: [ProducePartitionData]] = [:]
        for (topicPartition, records) in partitions {
            byTopic[topicPartition.topic, default: []].append(
                ProducePartitionData(partition: topicPartition.partition, records: records))
        }
        let request = ProduceRequest(
            acks: acks, timeoutMs: timeoutMs,
            topics: byTopic.map { ProduceTopicData(name: $0.key, partitions: $0.value) })
        do {
            let connection = try connection.get()
            if acks == 0 {
                try await connection.sendNoResponse(.produce(request))
                return partitions.map { ($0.0, ProducePartitionResponse(partition: $0.0.partition)) }
            }
            let response = try await connection.send(.produce(request))
            return try partitions.map { ($0.0, try InFlightProduce.partitionResponse(in: response, for: $0.0)) }
        } catch {
            let failure = error as? SluiceError ?? SluiceError(.networkException, "\(error)")
            return partitions.map {
                (
                    $0.0,
                    ProducePartitionResponse(
                        partition: $0.0.partition, errorCode: failure.code, errorMessage: failure.message)
                )
            }
        }
    }
}
