import CSluiceProto

// Metadata and topic administration on the wire: Metadata, CreateTopics, DeleteTopics, DescribeCluster and
// DescribeTopics, each model ⇄ its protobuf-c message (`WireMessage`). Configs are `(key, value)` pairs, not a
// model of their own: `makeTopicConfig` and `topicConfigs` carry them.

// MARK: Metadata

extension MetadataRequest: WireMessage {
    /// `topics == nil` travels as `all_topics = true` with no names.
    func fill(_ message: UnsafeMutablePointer<Sluice__MetadataRequest>, arena: WireArena) {
        if let topics {
            message.pointee.all_topics = 0
            (message.pointee.n_topics, message.pointee.topics) = arena.cStrings(topics)
        } else {
            message.pointee.all_topics = 1
        }
    }

    /// `all_topics` wins over any names sent alongside it.
    init(unpacked message: Sluice__MetadataRequest) throws(DecodeError) {
        guard message.all_topics == 0 else {
            self.init(topics: nil)
            return
        }
        self.init(
            topics: try WireCodec.strings(count: message.n_topics, message.topics, field: "MetadataRequest.topics"))
    }
}

extension MetadataResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__MetadataResponse>, arena: WireArena) {
        (message.pointee.n_brokers, message.pointee.brokers) = arena.messages(brokers)
        message.pointee.cluster_id = arena.cString(clusterId)
        message.pointee.controller_id = controllerId
        (message.pointee.n_topics, message.pointee.topics) = arena.messages(topics)
    }

    init(unpacked message: Sluice__MetadataResponse) throws(DecodeError) {
        self.init(
            brokers: try WireCodec.messages(count: message.n_brokers, message.brokers),
            clusterId: try WireCodec.string(message.cluster_id, field: "MetadataResponse.cluster_id"),
            controllerId: message.controller_id,
            topics: try WireCodec.messages(count: message.n_topics, message.topics))
    }
}

extension BrokerInfo: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__BrokerInfo>, arena: WireArena) {
        message.pointee.node_id = nodeId
        message.pointee.host = arena.cString(host)
        message.pointee.port = port
    }

    init(unpacked message: Sluice__BrokerInfo) throws(DecodeError) {
        self.init(
            nodeId: message.node_id, host: try WireCodec.string(message.host, field: "BrokerInfo.host"),
            port: message.port)
    }
}

/// A topic with its error code before its name: not the `WireTopic` shape, its partitions go through the same
/// `messages` pieces.
extension TopicMetadata: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__TopicMetadata>, arena: WireArena) {
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.name = arena.cString(name)
        (message.pointee.n_partitions, message.pointee.partitions) = arena.messages(partitions)
    }

    init(unpacked message: Sluice__TopicMetadata) throws(DecodeError) {
        self.init(
            errorCode: WireCodec.errorCode(message.error_code),
            name: try WireCodec.string(message.name, field: "TopicMetadata.name"),
            partitions: try WireCodec.messages(count: message.n_partitions, message.partitions))
    }
}

extension PartitionMetadata: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__PartitionMetadata>, arena: WireArena) {
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.partition = partition
        message.pointee.leader = leader
        message.pointee.leader_epoch = leaderEpoch
        (message.pointee.n_replicas, message.pointee.replicas) = arena.int32s(replicas)
        (message.pointee.n_isr, message.pointee.isr) = arena.int32s(isr)
    }

    init(unpacked message: Sluice__PartitionMetadata) {
        self.init(
            errorCode: WireCodec.errorCode(message.error_code), partition: message.partition, leader: message.leader,
            leaderEpoch: message.leader_epoch, replicas: WireCodec.int32s(count: message.n_replicas, message.replicas),
            isr: WireCodec.int32s(count: message.n_isr, message.isr))
    }
}

// MARK: CreateTopics, DeleteTopics

extension CreateTopicsRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__CreateTopicsRequest>, arena: WireArena) {
        message.pointee.timeout_ms = timeoutMs
        (message.pointee.n_topics, message.pointee.topics) = arena.messages(topics)
    }

    init(unpacked message: Sluice__CreateTopicsRequest) throws(DecodeError) {
        self.init(
            topics: try WireCodec.messages(count: message.n_topics, message.topics), timeoutMs: message.timeout_ms)
    }
}

/// Configs travel in the caller's order.
extension CreatableTopic: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__CreatableTopic>, arena: WireArena) {
        message.pointee.name = arena.cString(name)
        message.pointee.num_partitions = numPartitions
        message.pointee.replication_factor = replicationFactor
        message.pointee.n_configs = configs.count
        message.pointee.configs = arena.messages(configs) { WireCodec.makeTopicConfig($0.key, $0.value, arena: arena) }
    }

    init(unpacked message: Sluice__CreatableTopic) throws(DecodeError) {
        self.init(
            name: try WireCodec.string(message.name, field: "CreatableTopic.name"),
            numPartitions: message.num_partitions, replicationFactor: message.replication_factor,
            configs: try WireCodec.topicConfigs(count: message.n_configs, message.configs))
    }
}

extension DeleteTopicsRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__DeleteTopicsRequest>, arena: WireArena) {
        (message.pointee.n_topics, message.pointee.topics) = arena.cStrings(topics)
        message.pointee.timeout_ms = timeoutMs
    }

    init(unpacked message: Sluice__DeleteTopicsRequest) throws(DecodeError) {
        self.init(
            topics: try WireCodec.strings(count: message.n_topics, message.topics, field: "DeleteTopicsRequest.topics"),
            timeoutMs: message.timeout_ms)
    }
}

/// One topic's outcome, in CreateTopics' and DeleteTopics' responses alike (`TopicResultsResponse`).
extension TopicResult: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__TopicResult>, arena: WireArena) {
        message.pointee.name = arena.cString(name)
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.error_message = arena.cString(errorMessage)
    }

    init(unpacked message: Sluice__TopicResult) throws(DecodeError) {
        self.init(
            name: try WireCodec.string(message.name, field: "TopicResult.name"),
            errorCode: WireCodec.errorCode(message.error_code),
            errorMessage: try WireCodec.string(message.error_message, field: "TopicResult.error_message"))
    }
}

// MARK: DescribeCluster, DescribeTopics

extension DescribeClusterResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__DescribeClusterResponse>, arena: WireArena) {
        message.pointee.cluster_id = arena.cString(clusterId)
        message.pointee.controller_id = controllerId
        (message.pointee.n_brokers, message.pointee.brokers) = arena.messages(brokers)
        message.pointee.metadata_store = arena.cString(metadataStore)
    }

    init(unpacked message: Sluice__DescribeClusterResponse) throws(DecodeError) {
        self.init(
            clusterId: try WireCodec.string(message.cluster_id, field: "DescribeClusterResponse.cluster_id"),
            controllerId: message.controller_id,
            brokers: try WireCodec.messages(count: message.n_brokers, message.brokers),
            metadataStore: try WireCodec.string(message.metadata_store, field: "DescribeClusterResponse.metadata_store")
        )
    }
}

extension DescribeTopicsRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__DescribeTopicsRequest>, arena: WireArena) {
        (message.pointee.n_topics, message.pointee.topics) = arena.cStrings(topics)
    }

    init(unpacked message: Sluice__DescribeTopicsRequest) throws(DecodeError) {
        self.init(
            topics: try WireCodec.strings(
                count: message.n_topics, message.topics, field: "DescribeTopicsRequest.topics"))
    }
}

/// Configs go out in sorted key order, so equal responses encode to equal bytes; on decode, a duplicate key
/// keeps the last value, as a properties file would.
extension TopicDescription: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__TopicDescription>, arena: WireArena) {
        message.pointee.name = arena.cString(name)
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        (message.pointee.n_partitions, message.pointee.partitions) = arena.messages(partitions)
        let sorted = configs.sorted { $0.key < $1.key }
        message.pointee.n_configs = sorted.count
        message.pointee.configs = arena.messages(sorted) { WireCodec.makeTopicConfig($0.key, $0.value, arena: arena) }
    }

    init(unpacked message: Sluice__TopicDescription) throws(DecodeError) {
        let configs = try WireCodec.topicConfigs(count: message.n_configs, message.configs)
        self.init(
            name: try WireCodec.string(message.name, field: "TopicDescription.name"),
            errorCode: WireCodec.errorCode(message.error_code),
            partitions: try WireCodec.messages(count: message.n_partitions, message.partitions),
            configs: Dictionary(configs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }))
    }
}

extension PartitionDescription: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__PartitionDescription>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.leader = leader
        message.pointee.leader_epoch = leaderEpoch
        (message.pointee.n_replicas, message.pointee.replicas) = arena.int32s(replicas)
        (message.pointee.n_isr, message.pointee.isr) = arena.int32s(isr)
        message.pointee.log_start_offset = logStartOffset
        message.pointee.log_end_offset = logEndOffset
        message.pointee.high_watermark = highWatermark
        message.pointee.size_bytes = sizeBytes
    }

    init(unpacked message: Sluice__PartitionDescription) {
        self.init(
            partition: message.partition, errorCode: WireCodec.errorCode(message.error_code), leader: message.leader,
            leaderEpoch: message.leader_epoch, replicas: WireCodec.int32s(count: message.n_replicas, message.replicas),
            isr: WireCodec.int32s(count: message.n_isr, message.isr), logStartOffset: message.log_start_offset,
            logEndOffset: message.log_end_offset, highWatermark: message.high_watermark, sizeBytes: message.size_bytes)
    }
}

// MARK: configs

extension WireCodec {
    /// One `key = value` pair (CreateTopics, DescribeTopics).
    static func makeTopicConfig(
        _ key: String, _ value: String, arena: WireArena
    ) -> UnsafeMutablePointer<Sluice__TopicConfig> {
        let config: UnsafeMutablePointer<Sluice__TopicConfig> = arena.message(sluice__topic_config__init)
        config.pointee.key = arena.cString(key)
        config.pointee.value = arena.cString(value)
        return config
    }

    /// Decoded configs, in wire order.
    static func topicConfigs(
        count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<Sluice__TopicConfig>?>?
    ) throws(DecodeError) -> [(key: String, value: String)] {
        try messages(count: count, pointer) { (config) throws(DecodeError) in
            (
                key: try string(config.key, field: "TopicConfig.key"),
                value: try string(config.value, field: "TopicConfig.value")
            )
        }
    }
}
