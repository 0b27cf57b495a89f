import CProtobufC
import CSluiceProto
import NIOCore

// Requests: Swift models ⇄ protobuf-c structs. Encoding builds structs in a `WireArena`; decoding copies
// out of protobuf-c's unpacked message, which the caller frees.

// MARK: encode

extension WireCodec {
    /// The C frame of `request`, every pointer owned by `arena` (or by a `ByteBuffer` it retains).
    static func makeRequestFrame(_ request: Request, arena: WireArena) -> UnsafeMutablePointer<Sluice__RequestFrame> {
        let frame: UnsafeMutablePointer<Sluice__RequestFrame> = arena.message(sluice__request_frame__init)
        frame.pointee.correlation_id = request.correlationId
        frame.pointee.client_id = arena.cString(request.clientId)
        setBody(request.body, of: frame, arena: arena)
        assert(frame.pointee.body_case != SLUICE__REQUEST_FRAME__BODY__NOT_SET, "every request has a body")
        return frame
    }

    /// Sets the frame's oneof: the case and its message.
    private static func setBody(
        _ body: RequestBody, of frame: UnsafeMutablePointer<Sluice__RequestFrame>, arena: WireArena
    ) {
        switch body {
        case .metadata(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_METADATA
            frame.pointee.metadata = makeMetadataRequest(request, arena: arena)
        case .createTopics(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_CREATE_TOPICS
            frame.pointee.create_topics = makeCreateTopicsRequest(request, arena: arena)
        case .deleteTopics(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_DELETE_TOPICS
            let message: UnsafeMutablePointer<Sluice__DeleteTopicsRequest> =
                arena.message(sluice__delete_topics_request__init)
            message.pointee.n_topics = request.topics.count
            message.pointee.topics = arena.cStrings(request.topics)
            message.pointee.timeout_ms = request.timeoutMs
            frame.pointee.delete_topics = message
        case .describeCluster:
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_DESCRIBE_CLUSTER
            // An empty message, but the pointer must be set or protobuf-c omits the field (and the API with it).
            frame.pointee.describe_cluster = arena.message(sluice__describe_cluster_request__init)
        case .describeTopics(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_DESCRIBE_TOPICS
            let message: UnsafeMutablePointer<Sluice__DescribeTopicsRequest> =
                arena.message(sluice__describe_topics_request__init)
            message.pointee.n_topics = request.topics.count
            message.pointee.topics = arena.cStrings(request.topics)
            frame.pointee.describe_topics = message
        case .produce(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_PRODUCE
            frame.pointee.produce = makeProduceRequest(request, arena: arena)
        case .fetch(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_FETCH
            frame.pointee.fetch = makeFetchRequest(request, arena: arena)
        case .listOffsets(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_LIST_OFFSETS
            frame.pointee.list_offsets = makeListOffsetsRequest(request, arena: arena)
        case .initProducerId(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_INIT_PRODUCER_ID
            let message: UnsafeMutablePointer<Sluice__InitProducerIdRequest> =
                arena.message(sluice__init_producer_id_request__init)
            message.pointee.transaction_timeout_ms = request.transactionTimeoutMs
            frame.pointee.init_producer_id = message
        case .offsetForLeaderEpoch(let request):
            frame.pointee.body_case = SLUICE__REQUEST_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH
            frame.pointee.offset_for_leader_epoch = makeOffsetForLeaderEpochRequest(request, arena: arena)
        }
    }

    /// `topics == nil` travels as `all_topics = true` with no names.
    private static func makeMetadataRequest(
        _ request: MetadataRequest, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__MetadataRequest> {
        let message: UnsafeMutablePointer<Sluice__MetadataRequest> = arena.message(sluice__metadata_request__init)
        if let topics = request.topics {
            message.pointee.all_topics = 0
            message.pointee.n_topics = topics.count
            message.pointee.topics = arena.cStrings(topics)
        } else {
            message.pointee.all_topics = 1
        }
        return message
    }

    /// Topics with their configs in the caller's order.
    private static func makeCreateTopicsRequest(
        _ request: CreateTopicsRequest, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__CreateTopicsRequest> {
        let message: UnsafeMutablePointer<Sluice__CreateTopicsRequest> =
            arena.message(sluice__create_topics_request__init)
        message.pointee.timeout_ms = request.timeoutMs
        message.pointee.n_topics = request.topics.count
        message.pointee.topics = arena.messages(request.topics) { topic in
            let creatable: UnsafeMutablePointer<Sluice__CreatableTopic> = arena.message(sluice__creatable_topic__init)
            creatable.pointee.name = arena.cString(topic.name)
            creatable.pointee.num_partitions = topic.numPartitions
            creatable.pointee.replication_factor = topic.replicationFactor
            creatable.pointee.n_configs = topic.configs.count
            creatable.pointee.configs = arena.messages(topic.configs) {
                makeTopicConfig($0.key, $0.value, arena: arena)
            }
            return creatable
        }
        return message
    }

    /// One `key = value` pair (CreateTopics, DescribeTopics).
    static func makeTopicConfig(
        _ key: String, _ value: String, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__TopicConfig> {
        let config: UnsafeMutablePointer<Sluice__TopicConfig> = arena.message(sluice__topic_config__init)
        config.pointee.key = arena.cString(key)
        config.pointee.value = arena.cString(value)
        return config
    }

    /// Batches are referenced in place: `records` points into each partition's ByteBuffer.
    private static func makeProduceRequest(
        _ request: ProduceRequest, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__ProduceRequest> {
        let message: UnsafeMutablePointer<Sluice__ProduceRequest> = arena.message(sluice__produce_request__init)
        message.pointee.acks = Int32(request.acks)
        message.pointee.timeout_ms = request.timeoutMs
        message.pointee.n_topics = request.topics.count
        message.pointee.topics = arena.messages(request.topics) { topic in
            let data: UnsafeMutablePointer<Sluice__ProduceTopicData> = arena.message(sluice__produce_topic_data__init)
            data.pointee.name = arena.cString(topic.name)
            data.pointee.n_partitions = topic.partitions.count
            data.pointee.partitions = arena.messages(topic.partitions) { partition in
                let partitionData: UnsafeMutablePointer<Sluice__ProducePartitionData> =
                    arena.message(sluice__produce_partition_data__init)
                partitionData.pointee.partition = partition.partition
                partitionData.pointee.records = arena.binaryData(partition.records)
                return partitionData
            }
            return data
        }
        return message
    }

    private static func makeFetchRequest(
        _ request: FetchRequest, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__FetchRequest> {
        let message: UnsafeMutablePointer<Sluice__FetchRequest> = arena.message(sluice__fetch_request__init)
        message.pointee.replica_id = request.replicaId
        message.pointee.max_wait_ms = request.maxWaitMs
        message.pointee.min_bytes = request.minBytes
        message.pointee.max_bytes = request.maxBytes
        message.pointee.n_topics = request.topics.count
        message.pointee.topics = arena.messages(request.topics) { topic in
            let fetchTopic: UnsafeMutablePointer<Sluice__FetchTopic> = arena.message(sluice__fetch_topic__init)
            fetchTopic.pointee.name = arena.cString(topic.name)
            fetchTopic.pointee.n_partitions = topic.partitions.count
            fetchTopic.pointee.partitions = arena.messages(topic.partitions) { partition in
                let fetchPartition: UnsafeMutablePointer<Sluice__FetchPartition> =
                    arena.message(sluice__fetch_partition__init)
                fetchPartition.pointee.partition = partition.partition
                fetchPartition.pointee.fetch_offset = partition.fetchOffset
                fetchPartition.pointee.partition_max_bytes = partition.partitionMaxBytes
                fetchPartition.pointee.current_leader_epoch = partition.currentLeaderEpoch
                return fetchPartition
            }
            return fetchTopic
        }
        return message
    }

    private static func makeListOffsetsRequest(
        _ request: ListOffsetsRequest, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__ListOffsetsRequest> {
        let message: UnsafeMutablePointer<Sluice__ListOffsetsRequest> = arena.message(
            sluice__list_offsets_request__init)
        message.pointee.n_topics = request.topics.count
        message.pointee.topics = arena.messages(request.topics) { topic in
            let listTopic: UnsafeMutablePointer<Sluice__ListOffsetsTopic> = arena.message(
                sluice__list_offsets_topic__init)
            listTopic.pointee.name = arena.cString(topic.name)
            listTopic.pointee.n_partitions = topic.partitions.count
            listTopic.pointee.partitions = arena.messages(topic.partitions) { partition in
                let listPartition: UnsafeMutablePointer<Sluice__ListOffsetsPartition> =
                    arena.message(sluice__list_offsets_partition__init)
                listPartition.pointee.partition = partition.partition
                listPartition.pointee.timestamp = partition.timestamp
                return listPartition
            }
            return listTopic
        }
        return message
    }

    private static func makeOffsetForLeaderEpochRequest(
        _ request: OffsetForLeaderEpochRequest, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__OffsetForLeaderEpochRequest> {
        let message: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochRequest> =
            arena.message(sluice__offset_for_leader_epoch_request__init)
        message.pointee.replica_id = request.replicaId
        message.pointee.n_topics = request.topics.count
        message.pointee.topics = arena.messages(request.topics) { topic in
            let epochTopic: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochTopic> =
                arena.message(sluice__offset_for_leader_epoch_topic__init)
            epochTopic.pointee.name = arena.cString(topic.name)
            epochTopic.pointee.n_partitions = topic.partitions.count
            epochTopic.pointee.partitions = arena.messages(topic.partitions) { partition in
                let epochPartition: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochPartition> =
                    arena.message(sluice__offset_for_leader_epoch_partition__init)
                epochPartition.pointee.partition = partition.partition
                epochPartition.pointee.leader_epoch = partition.leaderEpoch
                return epochPartition
            }
            return epochTopic
        }
        return message
    }
}

// MARK: decode

extension WireCodec {
    /// Copies an unpacked frame into a `Request`. Every error carries the frame's correlation id and
    /// `.invalidRequest`, so the broker can answer it.
    static func request(from frame: Sluice__RequestFrame) throws(DecodeError) -> Request {
        do {
            let clientId = try string(frame.client_id, field: "client_id")
            return Request(correlationId: frame.correlation_id, clientId: clientId, body: try requestBody(of: frame))
        } catch {
            throw DecodeError(correlationId: frame.correlation_id, code: .invalidRequest, message: error.message)
        }
    }

    /// The frame's oneof as a `RequestBody`; NOT_SET (or a case this build does not know) is an error.
    private static func requestBody(of frame: Sluice__RequestFrame) throws(DecodeError) -> RequestBody {
        switch frame.body_case {
        case SLUICE__REQUEST_FRAME__BODY_METADATA:
            return .metadata(try metadataRequest(required(frame.metadata)))
        case SLUICE__REQUEST_FRAME__BODY_CREATE_TOPICS:
            return .createTopics(try createTopicsRequest(required(frame.create_topics)))
        case SLUICE__REQUEST_FRAME__BODY_DELETE_TOPICS:
            let message = try required(frame.delete_topics)
            let topics = try strings(count: message.n_topics, message.topics, field: "DeleteTopicsRequest.topics")
            return .deleteTopics(DeleteTopicsRequest(topics: topics, timeoutMs: message.timeout_ms))
        case SLUICE__REQUEST_FRAME__BODY_DESCRIBE_CLUSTER:
            _ = try required(frame.describe_cluster)
            return .describeCluster
        case SLUICE__REQUEST_FRAME__BODY_DESCRIBE_TOPICS:
            let message = try required(frame.describe_topics)
            let topics = try strings(count: message.n_topics, message.topics, field: "DescribeTopicsRequest.topics")
            return .describeTopics(DescribeTopicsRequest(topics: topics))
        case SLUICE__REQUEST_FRAME__BODY_PRODUCE:
            return .produce(try produceRequest(required(frame.produce)))
        case SLUICE__REQUEST_FRAME__BODY_FETCH:
            return .fetch(try fetchRequest(required(frame.fetch)))
        case SLUICE__REQUEST_FRAME__BODY_LIST_OFFSETS:
            return .listOffsets(try listOffsetsRequest(required(frame.list_offsets)))
        case SLUICE__REQUEST_FRAME__BODY_INIT_PRODUCER_ID:
            let message = try required(frame.init_producer_id)
            return .initProducerId(InitProducerIdRequest(transactionTimeoutMs: message.transaction_timeout_ms))
        case SLUICE__REQUEST_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH:
            return .offsetForLeaderEpoch(try offsetForLeaderEpochRequest(required(frame.offset_for_leader_epoch)))
        default:
            throw fieldError("unknown or missing API")
        }
    }

    /// The message behind a set oneof case (protobuf-c always allocates it; a nil is refused, not trusted).
    static func required<Message>(_ pointer: UnsafeMutablePointer<Message>?) throws(DecodeError) -> Message {
        guard let pointer else { throw fieldError("unknown or missing API") }
        return pointer.pointee
    }

    /// `all_topics` wins over any names sent alongside it.
    private static func metadataRequest(_ message: Sluice__MetadataRequest) throws(DecodeError) -> MetadataRequest {
        guard message.all_topics == 0 else { return MetadataRequest(topics: nil) }
        return MetadataRequest(
            topics: try strings(count: message.n_topics, message.topics, field: "MetadataRequest.topics"))
    }

    private static func createTopicsRequest(
        _ message: Sluice__CreateTopicsRequest
    ) throws(DecodeError) -> CreateTopicsRequest {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let configs = try messages(count: topic.n_configs, topic.configs) { (config) throws(DecodeError) in
                (
                    key: try string(config.key, field: "TopicConfig.key"),
                    value: try string(config.value, field: "TopicConfig.value")
                )
            }
            return CreatableTopic(
                name: try string(topic.name, field: "CreatableTopic.name"), numPartitions: topic.num_partitions,
                replicationFactor: topic.replication_factor, configs: configs)
        }
        return CreateTopicsRequest(topics: topics, timeoutMs: message.timeout_ms)
    }

    /// Each partition's batches are copied once into their own ByteBuffer.
    private static func produceRequest(_ message: Sluice__ProduceRequest) throws(DecodeError) -> ProduceRequest {
        let acks = try int16(message.acks, field: "ProduceRequest.acks")
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                ProducePartitionData(partition: partition.partition, records: buffer(partition.records))
            }
            return ProduceTopicData(
                name: try string(topic.name, field: "ProduceTopicData.name"), partitions: partitions)
        }
        return ProduceRequest(acks: acks, timeoutMs: message.timeout_ms, topics: topics)
    }

    private static func fetchRequest(_ message: Sluice__FetchRequest) throws(DecodeError) -> FetchRequest {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                FetchPartition(
                    partition: partition.partition, fetchOffset: partition.fetch_offset,
                    partitionMaxBytes: partition.partition_max_bytes, currentLeaderEpoch: partition.current_leader_epoch
                )
            }
            return FetchTopic(name: try string(topic.name, field: "FetchTopic.name"), partitions: partitions)
        }
        return FetchRequest(
            replicaId: message.replica_id, maxWaitMs: message.max_wait_ms, minBytes: message.min_bytes,
            maxBytes: message.max_bytes, topics: topics)
    }

    private static func listOffsetsRequest(
        _ message: Sluice__ListOffsetsRequest
    ) throws(DecodeError) -> ListOffsetsRequest {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                ListOffsetsPartition(partition: partition.partition, timestamp: partition.timestamp)
            }
            return ListOffsetsTopic(
                name: try string(topic.name, field: "ListOffsetsTopic.name"), partitions: partitions)
        }
        return ListOffsetsRequest(topics: topics)
    }

    private static func offsetForLeaderEpochRequest(
        _ message: Sluice__OffsetForLeaderEpochRequest
    ) throws(DecodeError) -> OffsetForLeaderEpochRequest {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                OffsetForLeaderEpochPartition(partition: partition.partition, leaderEpoch: partition.leader_epoch)
            }
            return OffsetForLeaderEpochTopic(
                name: try string(topic.name, field: "OffsetForLeaderEpochTopic.name"), partitions: partitions)
        }
        return OffsetForLeaderEpochRequest(replicaId: message.replica_id, topics: topics)
    }
}
