import CProtobufC
import CSluiceProto
import NIOCore

// Responses: Swift models ⇄ protobuf-c structs. Encoding builds structs in a `WireArena`; decoding copies
// out of protobuf-c's unpacked message, which the caller frees.

// MARK: encode

extension WireCodec {
    /// The C frame of `response`, every pointer owned by `arena` (or by a `ByteBuffer` it retains).
    static func makeResponseFrame(
        _ response: Response, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__ResponseFrame> {
        let frame: UnsafeMutablePointer<Sluice__ResponseFrame> = arena.message(sluice__response_frame__init)
        frame.pointee.correlation_id = response.correlationId
        frame.pointee.error_code = wireErrorCode(response.errorCode)
        frame.pointee.error_message = arena.cString(response.errorMessage)
        setBody(response.body, of: frame, arena: arena)
        return frame
    }

    /// Sets the frame's oneof; `.none` leaves it NOT_SET.
    private static func setBody(
        _ body: ResponseBody, of frame: UnsafeMutablePointer<Sluice__ResponseFrame>, arena: WireArena
    ) {
        switch body {
        case .none:
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY__NOT_SET
        case .metadata(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_METADATA
            frame.pointee.metadata = makeMetadataResponse(response, arena: arena)
        case .createTopics(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_CREATE_TOPICS
            let message: UnsafeMutablePointer<Sluice__CreateTopicsResponse> =
                arena.message(sluice__create_topics_response__init)
            message.pointee.n_topics = response.topics.count
            message.pointee.topics = makeTopicResults(response.topics, arena: arena)
            frame.pointee.create_topics = message
        case .deleteTopics(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_DELETE_TOPICS
            let message: UnsafeMutablePointer<Sluice__DeleteTopicsResponse> =
                arena.message(sluice__delete_topics_response__init)
            message.pointee.n_topics = response.topics.count
            message.pointee.topics = makeTopicResults(response.topics, arena: arena)
            frame.pointee.delete_topics = message
        case .describeCluster(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_CLUSTER
            frame.pointee.describe_cluster = makeDescribeClusterResponse(response, arena: arena)
        case .describeTopics(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_TOPICS
            frame.pointee.describe_topics = makeDescribeTopicsResponse(response, arena: arena)
        case .produce(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_PRODUCE
            frame.pointee.produce = makeProduceResponse(response, arena: arena)
        case .fetch(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_FETCH
            frame.pointee.fetch = makeFetchResponse(response, arena: arena)
        case .listOffsets(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_LIST_OFFSETS
            frame.pointee.list_offsets = makeListOffsetsResponse(response, arena: arena)
        case .initProducerId(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_INIT_PRODUCER_ID
            let message: UnsafeMutablePointer<Sluice__InitProducerIdResponse> =
                arena.message(sluice__init_producer_id_response__init)
            message.pointee.error_code = wireErrorCode(response.errorCode)
            message.pointee.producer_id = response.producerId
            message.pointee.producer_epoch = Int32(response.producerEpoch)
            frame.pointee.init_producer_id = message
        case .offsetForLeaderEpoch(let response):
            frame.pointee.body_case = SLUICE__RESPONSE_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH
            frame.pointee.offset_for_leader_epoch = makeOffsetForLeaderEpochResponse(response, arena: arena)
        }
    }

    private static func makeBrokers(
        _ brokers: [BrokerInfo], arena: WireArena
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<Sluice__BrokerInfo>?>? {
        arena.messages(brokers) { broker in
            let message: UnsafeMutablePointer<Sluice__BrokerInfo> = arena.message(sluice__broker_info__init)
            message.pointee.node_id = broker.nodeId
            message.pointee.host = arena.cString(broker.host)
            message.pointee.port = broker.port
            return message
        }
    }

    private static func makeMetadataResponse(
        _ response: MetadataResponse, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__MetadataResponse> {
        let message: UnsafeMutablePointer<Sluice__MetadataResponse> = arena.message(sluice__metadata_response__init)
        message.pointee.n_brokers = response.brokers.count
        message.pointee.brokers = makeBrokers(response.brokers, arena: arena)
        message.pointee.cluster_id = arena.cString(response.clusterId)
        message.pointee.controller_id = response.controllerId
        message.pointee.n_topics = response.topics.count
        message.pointee.topics = arena.messages(response.topics) { topic in
            let topicMetadata: UnsafeMutablePointer<Sluice__TopicMetadata> = arena.message(sluice__topic_metadata__init)
            topicMetadata.pointee.error_code = wireErrorCode(topic.errorCode)
            topicMetadata.pointee.name = arena.cString(topic.name)
            topicMetadata.pointee.n_partitions = topic.partitions.count
            topicMetadata.pointee.partitions = arena.messages(topic.partitions) { partition in
                let partitionMetadata: UnsafeMutablePointer<Sluice__PartitionMetadata> =
                    arena.message(sluice__partition_metadata__init)
                partitionMetadata.pointee.error_code = wireErrorCode(partition.errorCode)
                partitionMetadata.pointee.partition = partition.partition
                partitionMetadata.pointee.leader = partition.leader
                partitionMetadata.pointee.leader_epoch = partition.leaderEpoch
                partitionMetadata.pointee.n_replicas = partition.replicas.count
                partitionMetadata.pointee.replicas = arena.int32s(partition.replicas)
                partitionMetadata.pointee.n_isr = partition.isr.count
                partitionMetadata.pointee.isr = arena.int32s(partition.isr)
                return partitionMetadata
            }
            return topicMetadata
        }
        return message
    }

    /// CreateTopics and DeleteTopics answer with the same list.
    private static func makeTopicResults(
        _ results: [TopicResult], arena: WireArena
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<Sluice__TopicResult>?>? {
        arena.messages(results) { result in
            let message: UnsafeMutablePointer<Sluice__TopicResult> = arena.message(sluice__topic_result__init)
            message.pointee.name = arena.cString(result.name)
            message.pointee.error_code = wireErrorCode(result.errorCode)
            message.pointee.error_message = arena.cString(result.errorMessage)
            return message
        }
    }

    private static func makeDescribeClusterResponse(
        _ response: DescribeClusterResponse, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__DescribeClusterResponse> {
        let message: UnsafeMutablePointer<Sluice__DescribeClusterResponse> =
            arena.message(sluice__describe_cluster_response__init)
        message.pointee.cluster_id = arena.cString(response.clusterId)
        message.pointee.controller_id = response.controllerId
        message.pointee.n_brokers = response.brokers.count
        message.pointee.brokers = makeBrokers(response.brokers, arena: arena)
        message.pointee.metadata_store = arena.cString(response.metadataStore)
        return message
    }

    /// Configs go out in sorted key order, so equal responses encode to equal bytes.
    private static func makeDescribeTopicsResponse(
        _ response: DescribeTopicsResponse, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__DescribeTopicsResponse> {
        let message: UnsafeMutablePointer<Sluice__DescribeTopicsResponse> =
            arena.message(sluice__describe_topics_response__init)
        message.pointee.n_topics = response.topics.count
        message.pointee.topics = arena.messages(response.topics) { topic in
            let description: UnsafeMutablePointer<Sluice__TopicDescription> =
                arena.message(sluice__topic_description__init)
            description.pointee.name = arena.cString(topic.name)
            description.pointee.error_code = wireErrorCode(topic.errorCode)
            description.pointee.n_partitions = topic.partitions.count
            description.pointee.partitions = arena.messages(topic.partitions) {
                makePartitionDescription($0, arena: arena)
            }
            let configs = topic.configs.sorted { $0.key < $1.key }
            description.pointee.n_configs = configs.count
            description.pointee.configs = arena.messages(configs) { makeTopicConfig($0.key, $0.value, arena: arena) }
            return description
        }
        return message
    }

    private static func makePartitionDescription(
        _ partition: PartitionDescription, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__PartitionDescription> {
        let message: UnsafeMutablePointer<Sluice__PartitionDescription> =
            arena.message(sluice__partition_description__init)
        message.pointee.partition = partition.partition
        message.pointee.error_code = wireErrorCode(partition.errorCode)
        message.pointee.leader = partition.leader
        message.pointee.leader_epoch = partition.leaderEpoch
        message.pointee.n_replicas = partition.replicas.count
        message.pointee.replicas = arena.int32s(partition.replicas)
        message.pointee.n_isr = partition.isr.count
        message.pointee.isr = arena.int32s(partition.isr)
        message.pointee.log_start_offset = partition.logStartOffset
        message.pointee.log_end_offset = partition.logEndOffset
        message.pointee.high_watermark = partition.highWatermark
        message.pointee.size_bytes = partition.sizeBytes
        return message
    }

    private static func makeProduceResponse(
        _ response: ProduceResponse, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__ProduceResponse> {
        let message: UnsafeMutablePointer<Sluice__ProduceResponse> = arena.message(sluice__produce_response__init)
        message.pointee.n_topics = response.topics.count
        message.pointee.topics = arena.messages(response.topics) { topic in
            let topicResponse: UnsafeMutablePointer<Sluice__ProduceTopicResponse> =
                arena.message(sluice__produce_topic_response__init)
            topicResponse.pointee.name = arena.cString(topic.name)
            topicResponse.pointee.n_partitions = topic.partitions.count
            topicResponse.pointee.partitions = arena.messages(topic.partitions) { partition in
                let partitionResponse: UnsafeMutablePointer<Sluice__ProducePartitionResponse> =
                    arena.message(sluice__produce_partition_response__init)
                partitionResponse.pointee.partition = partition.partition
                partitionResponse.pointee.error_code = wireErrorCode(partition.errorCode)
                partitionResponse.pointee.error_message = arena.cString(partition.errorMessage)
                partitionResponse.pointee.base_offset = partition.baseOffset
                partitionResponse.pointee.log_append_time_ms = partition.logAppendTimeMs
                partitionResponse.pointee.log_start_offset = partition.logStartOffset
                return partitionResponse
            }
            return topicResponse
        }
        return message
    }

    /// Batches are referenced in place: `records` points into each partition's ByteBuffer. File-backed records
    /// (`fileRecords`, normally framed by `fetchResponseFrameParts`) are read into memory here; a partition whose
    /// file cannot be read is answered with KAFKA_STORAGE_ERROR and no records.
    private static func makeFetchResponse(
        _ response: FetchResponse, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__FetchResponse> {
        let message: UnsafeMutablePointer<Sluice__FetchResponse> = arena.message(sluice__fetch_response__init)
        message.pointee.n_topics = response.topics.count
        message.pointee.topics = arena.messages(response.topics) { topic in
            let topicResponse: UnsafeMutablePointer<Sluice__FetchTopicResponse> =
                arena.message(sluice__fetch_topic_response__init)
            topicResponse.pointee.name = arena.cString(topic.name)
            topicResponse.pointee.n_partitions = topic.partitions.count
            topicResponse.pointee.partitions = arena.messages(topic.partitions) { partition in
                let partitionResponse: UnsafeMutablePointer<Sluice__FetchPartitionResponse> =
                    arena.message(sluice__fetch_partition_response__init)
                var partition = partition
                if let range = partition.fileRecords {
                    partition.fileRecords = nil
                    do throws(FileRangeError) {
                        partition.records = try range.readBytes()
                    } catch {
                        partition.errorCode = .kafkaStorageError
                    }
                }
                partitionResponse.pointee.partition = partition.partition
                partitionResponse.pointee.error_code = wireErrorCode(partition.errorCode)
                partitionResponse.pointee.high_watermark = partition.highWatermark
                partitionResponse.pointee.log_start_offset = partition.logStartOffset
                partitionResponse.pointee.log_end_offset = partition.logEndOffset
                partitionResponse.pointee.records = arena.binaryData(partition.records)
                return partitionResponse
            }
            return topicResponse
        }
        return message
    }

    private static func makeListOffsetsResponse(
        _ response: ListOffsetsResponse, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__ListOffsetsResponse> {
        let message: UnsafeMutablePointer<Sluice__ListOffsetsResponse> =
            arena.message(sluice__list_offsets_response__init)
        message.pointee.n_topics = response.topics.count
        message.pointee.topics = arena.messages(response.topics) { topic in
            let topicResponse: UnsafeMutablePointer<Sluice__ListOffsetsTopicResponse> =
                arena.message(sluice__list_offsets_topic_response__init)
            topicResponse.pointee.name = arena.cString(topic.name)
            topicResponse.pointee.n_partitions = topic.partitions.count
            topicResponse.pointee.partitions = arena.messages(topic.partitions) { partition in
                let partitionResponse: UnsafeMutablePointer<Sluice__ListOffsetsPartitionResponse> =
                    arena.message(sluice__list_offsets_partition_response__init)
                partitionResponse.pointee.partition = partition.partition
                partitionResponse.pointee.error_code = wireErrorCode(partition.errorCode)
                partitionResponse.pointee.timestamp = partition.timestamp
                partitionResponse.pointee.offset = partition.offset
                partitionResponse.pointee.leader_epoch = partition.leaderEpoch
                return partitionResponse
            }
            return topicResponse
        }
        return message
    }

    private static func makeOffsetForLeaderEpochResponse(
        _ response: OffsetForLeaderEpochResponse, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__OffsetForLeaderEpochResponse> {
        let message: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochResponse> =
            arena.message(sluice__offset_for_leader_epoch_response__init)
        message.pointee.n_topics = response.topics.count
        message.pointee.topics = arena.messages(response.topics) { topic in
            let topicResponse: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochTopicResponse> =
                arena.message(sluice__offset_for_leader_epoch_topic_response__init)
            topicResponse.pointee.name = arena.cString(topic.name)
            topicResponse.pointee.n_partitions = topic.partitions.count
            topicResponse.pointee.partitions = arena.messages(topic.partitions) { partition in
                let partitionResponse: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochPartitionResponse> =
                    arena.message(sluice__offset_for_leader_epoch_partition_response__init)
                partitionResponse.pointee.partition = partition.partition
                partitionResponse.pointee.error_code = wireErrorCode(partition.errorCode)
                partitionResponse.pointee.leader_epoch = partition.leaderEpoch
                partitionResponse.pointee.end_offset = partition.endOffset
                return partitionResponse
            }
            return topicResponse
        }
        return message
    }
}

// MARK: decode

extension WireCodec {
    /// Copies an unpacked frame into a `Response`. Every error carries the frame's correlation id and
    /// `.corruptMessage` (the peer sent something that is not a valid response).
    static func response(from frame: Sluice__ResponseFrame) throws(DecodeError) -> Response {
        do {
            return Response(
                correlationId: frame.correlation_id, errorCode: errorCode(frame.error_code),
                errorMessage: try string(frame.error_message, field: "ResponseFrame.error_message"),
                body: try responseBody(of: frame))
        } catch {
            throw DecodeError(correlationId: frame.correlation_id, code: .corruptMessage, message: error.message)
        }
    }

    /// The frame's oneof as a `ResponseBody`; NOT_SET (or a case this build does not know) is `.none`.
    private static func responseBody(of frame: Sluice__ResponseFrame) throws(DecodeError) -> ResponseBody {
        switch frame.body_case {
        case SLUICE__RESPONSE_FRAME__BODY_METADATA:
            return .metadata(try metadataResponse(required(frame.metadata)))
        case SLUICE__RESPONSE_FRAME__BODY_CREATE_TOPICS:
            let message = try required(frame.create_topics)
            return .createTopics(
                TopicResultsResponse(topics: try topicResults(count: message.n_topics, message.topics)))
        case SLUICE__RESPONSE_FRAME__BODY_DELETE_TOPICS:
            let message = try required(frame.delete_topics)
            return .deleteTopics(
                TopicResultsResponse(topics: try topicResults(count: message.n_topics, message.topics)))
        case SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_CLUSTER:
            return .describeCluster(try describeClusterResponse(required(frame.describe_cluster)))
        case SLUICE__RESPONSE_FRAME__BODY_DESCRIBE_TOPICS:
            return .describeTopics(try describeTopicsResponse(required(frame.describe_topics)))
        case SLUICE__RESPONSE_FRAME__BODY_PRODUCE:
            return .produce(try produceResponse(required(frame.produce)))
        case SLUICE__RESPONSE_FRAME__BODY_FETCH:
            return .fetch(try fetchResponse(required(frame.fetch)))
        case SLUICE__RESPONSE_FRAME__BODY_LIST_OFFSETS:
            return .listOffsets(try listOffsetsResponse(required(frame.list_offsets)))
        case SLUICE__RESPONSE_FRAME__BODY_INIT_PRODUCER_ID:
            let message = try required(frame.init_producer_id)
            return .initProducerId(
                InitProducerIdResponse(
                    errorCode: errorCode(message.error_code), producerId: message.producer_id,
                    producerEpoch: try int16(message.producer_epoch, field: "InitProducerIdResponse.producer_epoch")))
        case SLUICE__RESPONSE_FRAME__BODY_OFFSET_FOR_LEADER_EPOCH:
            return .offsetForLeaderEpoch(try offsetForLeaderEpochResponse(required(frame.offset_for_leader_epoch)))
        default:
            return .none
        }
    }

    private static func brokers(
        count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<Sluice__BrokerInfo>?>?
    ) throws(DecodeError) -> [BrokerInfo] {
        try messages(count: count, pointer) { (broker) throws(DecodeError) in
            BrokerInfo(
                nodeId: broker.node_id, host: try string(broker.host, field: "BrokerInfo.host"), port: broker.port)
        }
    }

    private static func metadataResponse(_ message: Sluice__MetadataResponse) throws(DecodeError) -> MetadataResponse {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                PartitionMetadata(
                    errorCode: errorCode(partition.error_code), partition: partition.partition,
                    leader: partition.leader, leaderEpoch: partition.leader_epoch,
                    replicas: int32s(count: partition.n_replicas, partition.replicas),
                    isr: int32s(count: partition.n_isr, partition.isr))
            }
            return TopicMetadata(
                errorCode: errorCode(topic.error_code), name: try string(topic.name, field: "TopicMetadata.name"),
                partitions: partitions)
        }
        return MetadataResponse(
            brokers: try brokers(count: message.n_brokers, message.brokers),
            clusterId: try string(message.cluster_id, field: "MetadataResponse.cluster_id"),
            controllerId: message.controller_id, topics: topics)
    }

    private static func topicResults(
        count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<Sluice__TopicResult>?>?
    ) throws(DecodeError) -> [TopicResult] {
        try messages(count: count, pointer) { (result) throws(DecodeError) in
            TopicResult(
                name: try string(result.name, field: "TopicResult.name"), errorCode: errorCode(result.error_code),
                errorMessage: try string(result.error_message, field: "TopicResult.error_message"))
        }
    }

    private static func describeClusterResponse(
        _ message: Sluice__DescribeClusterResponse
    ) throws(DecodeError) -> DescribeClusterResponse {
        DescribeClusterResponse(
            clusterId: try string(message.cluster_id, field: "DescribeClusterResponse.cluster_id"),
            controllerId: message.controller_id, brokers: try brokers(count: message.n_brokers, message.brokers),
            metadataStore: try string(message.metadata_store, field: "DescribeClusterResponse.metadata_store"))
    }

    /// Duplicate config keys keep the last value, as a properties file would.
    private static func describeTopicsResponse(
        _ message: Sluice__DescribeTopicsResponse
    ) throws(DecodeError) -> DescribeTopicsResponse {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let configs = try messages(count: topic.n_configs, topic.configs) { (config) throws(DecodeError) in
                (try string(config.key, field: "TopicConfig.key"), try string(config.value, field: "TopicConfig.value"))
            }
            return TopicDescription(
                name: try string(topic.name, field: "TopicDescription.name"), errorCode: errorCode(topic.error_code),
                partitions: try messages(count: topic.n_partitions, topic.partitions) { partitionDescription($0) },
                configs: Dictionary(configs, uniquingKeysWith: { _, last in last }))
        }
        return DescribeTopicsResponse(topics: topics)
    }

    private static func partitionDescription(_ partition: Sluice__PartitionDescription) -> PartitionDescription {
        PartitionDescription(
            partition: partition.partition, errorCode: errorCode(partition.error_code), leader: partition.leader,
            leaderEpoch: partition.leader_epoch, replicas: int32s(count: partition.n_replicas, partition.replicas),
            isr: int32s(count: partition.n_isr, partition.isr), logStartOffset: partition.log_start_offset,
            logEndOffset: partition.log_end_offset, highWatermark: partition.high_watermark,
            sizeBytes: partition.size_bytes)
    }

    private static func produceResponse(_ message: Sluice__ProduceResponse) throws(DecodeError) -> ProduceResponse {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) {
                (partition) throws(DecodeError) in
                ProducePartitionResponse(
                    partition: partition.partition, errorCode: errorCode(partition.error_code),
                    errorMessage: try string(partition.error_message, field: "ProducePartitionResponse.error_message"),
                    baseOffset: partition.base_offset, logAppendTimeMs: partition.log_append_time_ms,
                    logStartOffset: partition.log_start_offset)
            }
            return ProduceTopicResponse(
                name: try string(topic.name, field: "ProduceTopicResponse.name"), partitions: partitions)
        }
        return ProduceResponse(topics: topics)
    }

    /// Each partition's batches are copied once into their own ByteBuffer.
    private static func fetchResponse(_ message: Sluice__FetchResponse) throws(DecodeError) -> FetchResponse {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                FetchPartitionResponse(
                    partition: partition.partition, errorCode: errorCode(partition.error_code),
                    highWatermark: partition.high_watermark, logStartOffset: partition.log_start_offset,
                    logEndOffset: partition.log_end_offset, records: buffer(partition.records))
            }
            return FetchTopicResponse(
                name: try string(topic.name, field: "FetchTopicResponse.name"), partitions: partitions)
        }
        return FetchResponse(topics: topics)
    }

    private static func listOffsetsResponse(
        _ message: Sluice__ListOffsetsResponse
    ) throws(DecodeError) -> ListOffsetsResponse {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                ListOffsetsPartitionResponse(
                    partition: partition.partition, errorCode: errorCode(partition.error_code),
                    timestamp: partition.timestamp, offset: partition.offset, leaderEpoch: partition.leader_epoch)
            }
            return ListOffsetsTopicResponse(
                name: try string(topic.name, field: "ListOffsetsTopicResponse.name"), partitions: partitions)
        }
        return ListOffsetsResponse(topics: topics)
    }

    private static func offsetForLeaderEpochResponse(
        _ message: Sluice__OffsetForLeaderEpochResponse
    ) throws(DecodeError) -> OffsetForLeaderEpochResponse {
        let topics = try messages(count: message.n_topics, message.topics) { (topic) throws(DecodeError) in
            let partitions = try messages(count: topic.n_partitions, topic.partitions) { partition in
                OffsetForLeaderEpochPartitionResponse(
                    partition: partition.partition, errorCode: errorCode(partition.error_code),
                    leaderEpoch: partition.leader_epoch, endOffset: partition.end_offset)
            }
            return OffsetForLeaderEpochTopicResponse(
                name: try string(topic.name, field: "OffsetForLeaderEpochTopicResponse.name"), partitions: partitions)
        }
        return OffsetForLeaderEpochResponse(topics: topics)
    }
}
