import NIOCore
import SluiceWire

extension SluiceClient {
    /// Fetches from one partition's leader, starting at `offset`, as a consumer (reads below the high
    /// watermark). Decode the returned batches with `RecordBatchReader`; records before `offset` in the
    /// first batch are the caller's to skip.
    ///
    /// Throws for routing, connection and frame-level failures; partition errors (OFFSET_OUT_OF_RANGE,
    /// NOT_LEADER_OR_FOLLOWER, …) come back in `errorCode`, and stale leaders are forgotten.
    ///
    /// - Parameters:
    ///   - maxBytes: `max.partition.fetch.bytes`; the broker still returns a first batch larger than it.
    ///   - maxWaitMs: `fetch.max.wait.ms`, how long the broker may wait for data.
    public func fetch(
        topic: String, partition: Int32, offset: Int64, maxBytes: Int32 = 1_048_576, maxWaitMs: Int32 = 500
    ) async throws -> FetchPartitionResponse {
        let topicPartition = TopicPartition(topic: topic, partition: partition)
        let connection = try await leaderConnection(topic: topic, partition: partition)
        let request = FetchRequest(
            maxWaitMs: maxWaitMs, maxBytes: maxBytes,
            topics: [
                FetchTopic(
                    name: topic,
                    partitions: [FetchPartition(partition: partition, fetchOffset: offset, partitionMaxBytes: maxBytes)]
                )
            ])
        let response = try await send(.fetch(request), on: connection)
        let result = try Self.fetchPartitionResponse(in: response, for: topicPartition)
        if Self.meansStaleMetadata(result.errorCode) { cache.invalidate(topic: topic) }
        return result
    }

    /// Fetches several partitions of one topic: one request per leader, sent concurrently.
    ///
    /// Never throws for one partition's failure: routing and connection failures come back as that
    /// partition's `errorCode`. Results follow the order of `partitions`.
    ///
    /// - Parameter maxBytes: `fetch.max.bytes`, the bound on each leader's whole response.
    public func fetch(
        topic: String, partitions: [FetchPartition], maxBytes: Int32 = 52_428_800, maxWaitMs: Int32 = 500
    ) async throws -> [FetchPartitionResponse] {
        let items = partitions.map { (TopicPartition(topic: topic, partition: $0.partition), $0) }
        let (groups, failures) = try await groupByLeader(items)
        var results: [Int32: FetchPartitionResponse] = [:]
        for (topicPartition, error) in failures {
            results[topicPartition.partition] = FetchPartitionResponse(
                partition: topicPartition.partition, errorCode: error.code)
        }
        var requests: [(Result<BrokerConnection, SluiceError>, FetchRequest)] = []
        for (address, group) in groups {
            let request = FetchRequest(
                maxWaitMs: maxWaitMs, maxBytes: maxBytes, topics: [FetchTopic(name: topic, partitions: group.map(\.1))])
            requests.append((await connectionResult(to: address), request))
        }
        for result in await Self.sendFetchRequests(requests, topic: topic) {
            results[result.partition] = result
            if Self.meansStaleMetadata(result.errorCode) || result.errorCode == .networkException {
                cache.invalidate(topic: topic)
            }
        }
        return partitions.map {
            results[$0.partition] ?? FetchPartitionResponse(partition: $0.partition, errorCode: .unknownServerError)
        }
    }

    /// Looks up the offset of `topic`-`partition` for a timestamp: `ListOffsetsPartition.earliestTimestamp`
    /// (-2), `.latestTimestamp` (-1, the high watermark), or milliseconds since the epoch.
    public func listOffsets(topic: String, partition: Int32, timestamp: Int64) async throws
        -> ListOffsetsPartitionResponse
    {
        let connection = try await leaderConnection(topic: topic, partition: partition)
        let request = ListOffsetsRequest(
            topics: [
                ListOffsetsTopic(
                    name: topic, partitions: [ListOffsetsPartition(partition: partition, timestamp: timestamp)])
            ])
        let response = try await send(.listOffsets(request), on: connection)
        guard case .listOffsets(let offsets) = response.body else {
            throw Self.unexpectedBody(response, expected: "ListOffsets")
        }
        let partitions = offsets.topics.first(where: { $0.name == topic })?.partitions ?? []
        guard let result = partitions.first(where: { $0.partition == partition }) else {
            throw SluiceError(.unknownServerError, "the ListOffsets response has no result for \(topic)-\(partition)")
        }
        if Self.meansStaleMetadata(result.errorCode) { cache.invalidate(topic: topic) }
        return result
    }

    /// Sends one Fetch request per leader concurrently; a failed leader answers each of its partitions
    /// with the failure's code.
    static func sendFetchRequests(
        _ requests: [(Result<BrokerConnection, SluiceError>, FetchRequest)], topic: String
    ) async -> [FetchPartitionResponse] {
        await withTaskGroup(of: [FetchPartitionResponse].self) { taskGroup in
            for (connection, request) in requests {
                taskGroup.addTask {
                    let partitions = request.topics.flatMap(\.partitions).map(\.partition)
                    do {
                        let response = try await connection.get().send(.fetch(request))
                        return try partitions.map { partition throws(SluiceError) in
                            try fetchPartitionResponse(
                                in: response, for: TopicPartition(topic: topic, partition: partition))
                        }
                    } catch {
                        let code = (error as? SluiceError)?.code ?? .networkException
                        return partitions.map { FetchPartitionResponse(partition: $0, errorCode: code) }
                    }
                }
            }
            var all: [FetchPartitionResponse] = []
            for await answers in taskGroup { all.append(contentsOf: answers) }
            return all
        }
    }

    /// The result for `topicPartition` in a Fetch response.
    static func fetchPartitionResponse(in response: Response, for topicPartition: TopicPartition) throws(SluiceError)
        -> FetchPartitionResponse
    {
        guard case .fetch(let fetch) = response.body else {
            throw unexpectedBody(response, expected: "Fetch")
        }
        let partitions = fetch.topics.first(where: { $0.name == topicPartition.topic })?.partitions ?? []
        guard let result = partitions.first(where: { $0.partition == topicPartition.partition }) else {
            throw SluiceError(.unknownServerError, "the Fetch response has no result for \(topicPartition)")
        }
        return result
    }
}
