import Logging
import NIOCore
import SluiceBroker
import SluiceCluster
import SluiceConfig
import SluiceGroups
import SluiceKafka
import SluiceWire

/// Answers Kafka clients on the native listener's port (the first byte of a frame tells the protocols apart:
/// `KafkaRequest.isKafka(frame:)`). Each Kafka request is decoded by SluiceKafka into the native request it
/// means and handed to the broker's `BrokerRequestHandler`, so both protocols share one append path, one
/// producer-state check, one purgatory and one set of metrics; ApiVersions and Metadata are answered from the
/// metadata cache, never with a store round trip.
///
/// A request that does not parse, or an API or version that is not advertised, closes the connection, as Kafka
/// does; ApiVersions at an unsupported version answers UNSUPPORTED_VERSION with its list (KIP-511), Produce
/// v0–v2 UNSUPPORTED_VERSION per partition.
struct KafkaRequestHandler: Sendable {
    let broker: BrokerRequestHandler
    let logger: Logger
    /// Requests and errors per API (`protocol="kafka"`), and fetch conversions per topic.
    let metrics: BrokerMetrics
    /// What DescribeConfigs reports for this broker and the defaults of topic keys.
    let config: BrokerConfig
    /// The groups whose `__consumer_offsets` partition this broker leads.
    let coordinator: GroupCoordinator

    /// What to send back: frame parts, or nil bytes (acks=0 produce); `close` after sending. nil: close at once.
    typealias Reply = (bytes: [FramePart]?, close: Bool)

    func respond(to frame: ByteBuffer, peer: String) async -> Reply? {
        var request: KafkaRequest
        do { request = try KafkaRequest(frame: frame) } catch {
            logger.warning("closing Kafka connection from \(peer): \(error)")
            return nil
        }
        guard let api = request.apiKey else {
            logger.warning("closing Kafka connection from \(peer): API key \(request.apiKeyValue) is not served")
            return nil
        }
        let version = request.apiVersion
        if api == .apiVersions {
            let unsupported = !KafkaApiKey.apiVersions.servedVersions.contains(version)
            count(api, unsupported ? [.unsupportedVersion] : [])
            return reply(request, KafkaApiVersions.responseBody(version: version))
        }
        guard api.advertisedVersions.contains(version) else {
            logger.warning("closing Kafka connection from \(peer): \(api.name) v\(version) is not served")
            return nil
        }
        do {
            switch api {
            case .produce:
                return try await produce(&request, peer: peer)
            case .fetch:
                return try await fetch(&request)
            case .listOffsets:
                let wanted = try KafkaListOffsets.decodeRequest(&request.body, version: version)
                guard case .listOffsets(let answer) = await handle(request, .listOffsets(wanted)) else { return nil }
                count(api, ResponseBody.listOffsets(answer).errorCodes)
                return reply(request, KafkaListOffsets.responseBody(answer, version: version))
            case .metadata:
                let wanted = try KafkaMetadata.decodeRequest(&request.body, version: version)
                if wanted.allowAutoTopicCreation, let names = wanted.topics { await broker.autoCreateIfEnabled(names) }
                let answer = Self.metadata(wanted, image: broker.cache.image)
                count(api, Set(answer.topics.flatMap { [$0.errorCode] + $0.partitions.map(\.errorCode) }))
                return reply(request, KafkaMetadata.responseBody(answer, version: version))
            case .initProducerId:
                return try await initProducerId(&request, peer: peer)
            case .offsetForLeaderEpoch:
                let wanted = try KafkaOffsetForLeaderEpoch.decodeRequest(&request.body, version: version)
                guard case .offsetForLeaderEpoch(let answer) = await handle(request, .offsetForLeaderEpoch(wanted))
                else { return nil }
                count(api, ResponseBody.offsetForLeaderEpoch(answer).errorCodes)
                return reply(request, KafkaOffsetForLeaderEpoch.responseBody(answer, version: version))
            case .createTopics:
                return try await createTopics(&request)
            case .deleteTopics:
                let wanted = try KafkaDeleteTopics.decodeRequest(&request.body, version: version)
                guard case .deleteTopics(let answer) = await handle(request, .deleteTopics(wanted)) else { return nil }
                count(api, ResponseBody.deleteTopics(answer).errorCodes)
                return reply(request, KafkaDeleteTopics.responseBody(answer, version: version))
            case .describeConfigs:
                let wanted = try KafkaDescribeConfigs.decodeRequest(&request.body, version: version)
                let image = broker.cache.image
                let results = wanted.resources.map {
                    KafkaConfigDescription.describe(
                        $0, config: config, image: image, includeSynonyms: wanted.includeSynonyms,
                        includeDocumentation: wanted.includeDocumentation)
                }
                count(api, Set(results.map(\.errorCode)))
                return reply(request, KafkaDescribeConfigs.responseBody(results, version: version))
            case .findCoordinator, .joinGroup, .syncGroup, .heartbeat, .leaveGroup, .offsetCommit, .offsetFetch,
                .listGroups, .describeGroups:
                return try await groupRequest(api, &request, peer: peer)
            case .apiVersions:
                preconditionFailure("ApiVersions is answered above")
            }
        } catch {
            logger.warning("closing Kafka connection from \(peer): \(api.name) v\(version): \(error)")
            return nil
        }
    }

    /// Produce: Kafka's rules per partition (`KafkaProduce.validate`), then the broker's append for the rest.
    /// acks=0 sends nothing back, and closes the connection when a partition failed (Kafka's behaviour).
    private func produce(_ request: inout KafkaRequest, peer: String) async throws(KafkaProtocolError) -> Reply? {
        let version = request.apiVersion
        let decoded = try KafkaProduce.decodeRequest(&request.body, version: version)
        let acks = decoded.produce.acks
        var answer: ProduceResponse
        if !KafkaApiKey.produce.servedVersions.contains(version) {
            answer = KafkaProduce.failAll(
                decoded.produce, .unsupportedVersion, "Produce v\(version) is not served; use v3 or later (magic 2)")
        } else if decoded.transactionalId != nil {
            answer = KafkaProduce.failAll(
                decoded.produce, .invalidRequest, "transactional producers are not served (no transaction coordinator)")
        } else {
            answer = await appendValid(decoded.produce, request: request)
        }
        count(.produce, ResponseBody.produce(answer).errorCodes)
        guard acks == 0 else { return reply(request, KafkaProduce.responseBody(answer, version: version)) }
        if answer.topics.contains(where: { $0.partitions.contains { $0.errorCode != .none } }) {
            logger.warning("closing Kafka connection from \(peer): acks=0 produce failed")
            return (nil, true)
        }
        return (nil, false)
    }

    /// Appends the partitions that pass Kafka's produce rules; the others answer their error. Keeps the
    /// request's topic and partition order in the response.
    private func appendValid(_ produce: ProduceRequest, request: KafkaRequest) async -> ProduceResponse {
        var valid = produce
        var refused: [String: [Int32: ProducePartitionResponse]] = [:]
        for topicIndex in valid.topics.indices {
            let name = valid.topics[topicIndex].name
            valid.topics[topicIndex].partitions.removeAll { data in
                guard let (code, message) = KafkaProduce.validate(data.records) else { return false }
                refused[name, default: [:]][data.partition] = ProducePartitionResponse(
                    partition: data.partition, errorCode: code, errorMessage: message)
                return true
            }
        }
        valid.topics.removeAll { $0.partitions.isEmpty }
        var appended: [String: [Int32: ProducePartitionResponse]] = [:]
        if !valid.topics.isEmpty, case .produce(let result) = await handle(request, .produce(valid)) {
            for topic in result.topics {
                for partition in topic.partitions { appended[topic.name, default: [:]][partition.partition] = partition }
            }
        }
        return ProduceResponse(
            topics: produce.topics.map { topic in
                ProduceTopicResponse(
                    name: topic.name,
                    partitions: topic.partitions.map { data in
                        refused[topic.name]?[data.partition] ?? appended[topic.name]?[data.partition]
                            ?? ProducePartitionResponse(
                                partition: data.partition, errorCode: .unknownServerError,
                                errorMessage: "no answer for this partition")
                    })
            })
    }

    /// Fetch, sessionless: an incremental fetch of a session answers FETCH_SESSION_ID_NOT_FOUND; the records of
    /// each partition go out as stored, native batches converted to magic 2.
    private func fetch(_ request: inout KafkaRequest) async throws(KafkaProtocolError) -> Reply? {
        let version = request.apiVersion
        let decoded = try KafkaFetch.decodeRequest(&request.body, version: version)
        guard !decoded.needsSession else {
            count(.fetch, [.fetchSessionIdNotFound])
            let parts = KafkaFetch.responseFrame(
                correlationId: request.correlationId, FetchResponse(topics: []), errorCode: .fetchSessionIdNotFound,
                version: version, allocator: Self.allocator
            ) { (_, _) throws(SluiceError) in KafkaFetch.Records() }
            return (parts, false)
        }
        guard case .fetch(let answer) = await handle(request, .fetch(decoded.fetch)) else { return nil }
        var errors = ResponseBody.fetch(answer).errorCodes
        defer { count(.fetch, errors) }
        let parts = KafkaFetch.responseFrame(
            correlationId: request.correlationId, answer, version: version, allocator: Self.allocator
        ) { (topic, partition) throws(SluiceError) in
            guard let range = partition.fileRecords else {
                return KafkaFetch.Records(parts: [.bytes(partition.records)], byteCount: partition.records.readableBytes)
            }
            let converted: (parts: [FramePart], byteCount: Int, converted: Int)
            do throws(SluiceError) {
                converted = try KafkaBatchConversion.parts(of: range, allocator: Self.allocator)
            } catch {
                errors.insert(error.code)
                throw error
            }
            if converted.converted > 0 { metrics.topic(topic).recordFetchConversions(batches: converted.converted) }
            return KafkaFetch.Records(parts: converted.parts, byteCount: converted.byteCount)
        }
        return (parts, false)
    }

    /// CreateTopics: manual replica assignments refused per topic, validate_only answered by the broker's checks
    /// without creating, the rest created through the controller like the native request.
    private func createTopics(_ request: inout KafkaRequest) async throws(KafkaProtocolError) -> Reply? {
        let version = request.apiVersion
        let decoded = try KafkaCreateTopics.decodeRequest(&request.body, version: version)
        var results: [String: TopicResult] = [:]
        var toCreate = decoded.create
        toCreate.topics.removeAll { topic in
            if decoded.manuallyAssigned.contains(topic.name) {
                results[topic.name] = TopicResult(
                    name: topic.name, errorCode: .invalidRequest,
                    errorMessage: "manual replica assignment is not supported: the controller assigns replicas")
                return true
            }
            if decoded.validateOnly {
                results[topic.name] = broker.validateCreation(topic)
                return true
            }
            return false
        }
        if !toCreate.topics.isEmpty, case .createTopics(let created) = await handle(request, .createTopics(toCreate)) {
            for result in created.topics { results[result.name] = result }
        }
        let answer = TopicResultsResponse(
            topics: decoded.create.topics.map {
                results[$0.name]
                    ?? TopicResult(name: $0.name, errorCode: .unknownServerError, errorMessage: "no answer for this topic")
            })
        count(.createTopics, ResponseBody.createTopics(answer).errorCodes)
        return reply(request, KafkaCreateTopics.responseBody(answer, version: version))
    }

    /// InitProducerId: an idempotent producer's id from the broker's block; a transactional id is refused.
    private func initProducerId(_ request: inout KafkaRequest, peer: String) async throws(KafkaProtocolError) -> Reply? {
        let version = request.apiVersion
        let decoded = try KafkaInitProducerId.decodeRequest(&request.body, version: version)
        let answer: InitProducerIdResponse
        if let transactionalId = decoded.transactionalId {
            logger.warning(
                "refusing InitProducerId from \(peer) for transactional id '\(transactionalId)': transactions are not served")
            answer = InitProducerIdResponse(errorCode: .invalidRequest, producerId: -1, producerEpoch: -1)
        } else {
            let native = InitProducerIdRequest(transactionTimeoutMs: decoded.transactionTimeoutMs)
            guard case .initProducerId(let result) = await handle(request, .initProducerId(native)) else { return nil }
            answer = result
        }
        count(.initProducerId, ResponseBody.initProducerId(answer).errorCodes)
        return reply(request, KafkaInitProducerId.responseBody(answer, version: version))
    }

    /// The broker's answer to the native request a Kafka request maps to.
    private func handle(_ request: KafkaRequest, _ body: RequestBody) async -> ResponseBody {
        await broker.handle(Request(correlationId: request.correlationId, clientId: request.clientId ?? "", body: body))
            .body
    }

    func count(_ api: KafkaApiKey, _ errors: Set<ErrorCode>) {
        metrics.recordRequest(api: api.name, protocol: .kafka, errors: errors.subtracting([.none]))
    }

    func reply(_ request: KafkaRequest, _ body: ByteBuffer) -> Reply {
        ([.bytes(KafkaRequest.responseFrame(correlationId: request.correlationId, body: body))], false)
    }

    private static let allocator = ByteBufferAllocator()

    /// The Metadata answer from the cache's `image`: every registered broker, the controller, and the topics
    /// asked for (all when nil), a missing one as UNKNOWN_TOPIC_OR_PARTITION. Pure.
    static func metadata(_ request: KafkaMetadata.Request, image: BrokerMetadataCache.Image) -> KafkaMetadata.Response {
        let names = request.topics ?? image.topics.keys.sorted()
        let topics = names.map { name -> KafkaMetadata.Topic in
            guard let topic = image.topics[name] else {
                return KafkaMetadata.Topic(errorCode: .unknownTopicOrPartition, name: name, partitions: [])
            }
            let partitions = topic.partitions.sorted { $0.partition < $1.partition }.map { state in
                KafkaMetadata.Partition(
                    errorCode: state.leader >= 0 ? .none : .leaderNotAvailable, index: state.partition,
                    leader: state.leader, leaderEpoch: state.leaderEpoch, replicas: state.replicas, isr: state.isr,
                    offlineReplicas: state.replicas.filter { image.brokers[$0] == nil })
            }
            return KafkaMetadata.Topic(
                errorCode: .none, name: name, isInternal: name == GroupCoordinator.offsetsTopic, partitions: partitions)
        }
        return KafkaMetadata.Response(
            brokers: image.sortedBrokers,
            clusterId: image.clusterId, controllerId: image.controller?.brokerId ?? -1, topics: topics)
    }
}
