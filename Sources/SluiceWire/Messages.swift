import NIOCore

// Swift models of proto/sluice.proto's messages. `WireCodec` converts them to and from protobuf-c.
// Field names follow the proto (camelCased); Int32/Int64 as on the wire.

/// A request as the broker receives it and a client sends it.
public enum RequestBody: Sendable {
    case metadata(MetadataRequest)
    case createTopics(CreateTopicsRequest)
    case deleteTopics(DeleteTopicsRequest)
    case describeCluster
    case describeTopics(DescribeTopicsRequest)
    case produce(ProduceRequest)
    case fetch(FetchRequest)
    case listOffsets(ListOffsetsRequest)
    case initProducerId(InitProducerIdRequest)
    case offsetForLeaderEpoch(OffsetForLeaderEpochRequest)
    case electLeaders(ElectLeadersRequest)
    case controlledShutdown(ControlledShutdownRequest)

    /// Every `apiName`, for metrics series registered before the first request.
    public static let apiNames = [
        "Metadata", "CreateTopics", "DeleteTopics", "DescribeCluster", "DescribeTopics", "Produce", "Fetch",
        "ListOffsets", "InitProducerId", "OffsetForLeaderEpoch", "ElectLeaders", "ControlledShutdown",
    ]

    /// A short name for logs and metrics labels.
    public var apiName: String {
        switch self {
        case .metadata: "Metadata"
        case .createTopics: "CreateTopics"
        case .deleteTopics: "DeleteTopics"
        case .describeCluster: "DescribeCluster"
        case .describeTopics: "DescribeTopics"
        case .produce: "Produce"
        case .fetch: "Fetch"
        case .listOffsets: "ListOffsets"
        case .initProducerId: "InitProducerId"
        case .offsetForLeaderEpoch: "OffsetForLeaderEpoch"
        case .electLeaders: "ElectLeaders"
        case .controlledShutdown: "ControlledShutdown"
        }
    }
}

public struct Request: Sendable {
    public var correlationId: Int32
    public var clientId: String
    public var body: RequestBody
    public init(correlationId: Int32, clientId: String = "", body: RequestBody) {
        self.correlationId = correlationId
        self.clientId = clientId
        self.body = body
    }
}

public enum ResponseBody: Sendable {
    /// No body: the frame's error code says why (unknown API, malformed request).
    case none
    case metadata(MetadataResponse)
    case createTopics(TopicResultsResponse)
    case deleteTopics(TopicResultsResponse)
    case describeCluster(DescribeClusterResponse)
    case describeTopics(DescribeTopicsResponse)
    case produce(ProduceResponse)
    case fetch(FetchResponse)
    case listOffsets(ListOffsetsResponse)
    case initProducerId(InitProducerIdResponse)
    case offsetForLeaderEpoch(OffsetForLeaderEpochResponse)
    case electLeaders(ElectLeadersResponse)
    case controlledShutdown(ControlledShutdownResponse)
}

public struct Response: Sendable {
    public var correlationId: Int32
    /// Set when the request as a whole failed; per-partition errors live in the body.
    public var errorCode: ErrorCode
    public var errorMessage: String
    public var body: ResponseBody
    public init(correlationId: Int32, errorCode: ErrorCode = .none, errorMessage: String = "", body: ResponseBody) {
        self.correlationId = correlationId
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.body = body
    }
}

// MARK: metadata

public struct BrokerInfo: Sendable, Hashable, Codable {
    public var nodeId: Int32
    public var host: String
    public var port: Int32
    public init(nodeId: Int32, host: String, port: Int32) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
    }
}

public struct PartitionMetadata: Sendable, Hashable {
    public var errorCode: ErrorCode
    public var partition: Int32
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public init(errorCode: ErrorCode = .none, partition: Int32, leader: Int32, leaderEpoch: Int32, replicas: [Int32], isr: [Int32]) {
        self.errorCode = errorCode
        self.partition = partition
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
    }
}

public struct TopicMetadata: Sendable, Hashable {
    public var errorCode: ErrorCode
    public var name: String
    public var partitions: [PartitionMetadata]
    public init(errorCode: ErrorCode = .none, name: String, partitions: [PartitionMetadata]) {
        self.errorCode = errorCode
        self.name = name
        self.partitions = partitions
    }
}

public struct MetadataRequest: Sendable, Hashable {
    /// nil: every topic.
    public var topics: [String]?
    public init(topics: [String]?) { self.topics = topics }
}

public struct MetadataResponse: Sendable, Hashable {
    public var brokers: [BrokerInfo]
    public var clusterId: String
    public var controllerId: Int32
    public var topics: [TopicMetadata]
    public init(brokers: [BrokerInfo], clusterId: String, controllerId: Int32, topics: [TopicMetadata]) {
        self.brokers = brokers
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.topics = topics
    }
}

public struct CreatableTopic: Sendable, Hashable {
    public var name: String
    /// -1: the broker's `num.partitions`.
    public var numPartitions: Int32
    /// -1: the broker's `default.replication.factor`.
    public var replicationFactor: Int32
    /// Per-topic overrides (`--config k=v`), in order.
    public var configs: [(key: String, value: String)]
    public init(name: String, numPartitions: Int32 = -1, replicationFactor: Int32 = -1, configs: [(key: String, value: String)] = []) {
        self.name = name
        self.numPartitions = numPartitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
    public static func == (lhs: CreatableTopic, rhs: CreatableTopic) -> Bool {
        lhs.name == rhs.name && lhs.numPartitions == rhs.numPartitions && lhs.replicationFactor == rhs.replicationFactor
            && lhs.configs.elementsEqual(rhs.configs, by: { $0 == $1 })
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

public struct CreateTopicsRequest: Sendable, Hashable {
    public var topics: [CreatableTopic]
    public var timeoutMs: Int32
    public init(topics: [CreatableTopic], timeoutMs: Int32 = 30_000) {
        self.topics = topics
        self.timeoutMs = timeoutMs
    }
}

public struct DeleteTopicsRequest: Sendable, Hashable {
    public var topics: [String]
    public var timeoutMs: Int32
    public init(topics: [String], timeoutMs: Int32 = 30_000) {
        self.topics = topics
        self.timeoutMs = timeoutMs
    }
}

public struct TopicResult: Sendable, Hashable {
    public var name: String
    public var errorCode: ErrorCode
    public var errorMessage: String
    public init(name: String, errorCode: ErrorCode = .none, errorMessage: String = "") {
        self.name = name
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}

/// CreateTopics and DeleteTopics answer the same shape.
public struct TopicResultsResponse: Sendable, Hashable {
    public var topics: [TopicResult]
    public init(topics: [TopicResult]) { self.topics = topics }
}

public struct DescribeClusterResponse: Sendable, Hashable {
    public var clusterId: String
    public var controllerId: Int32
    public var brokers: [BrokerInfo]
    public var metadataStore: String
    public init(clusterId: String, controllerId: Int32, brokers: [BrokerInfo], metadataStore: String) {
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.metadataStore = metadataStore
    }
}

public struct DescribeTopicsRequest: Sendable, Hashable {
    /// Empty: every topic.
    public var topics: [String]
    public init(topics: [String]) { self.topics = topics }
}

public struct PartitionDescription: Sendable, Hashable {
    public var partition: Int32
    public var errorCode: ErrorCode
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var logStartOffset: Int64
    public var logEndOffset: Int64
    public var highWatermark: Int64
    public var sizeBytes: Int64
    public init(
        partition: Int32, errorCode: ErrorCode = .none, leader: Int32, leaderEpoch: Int32, replicas: [Int32], isr: [Int32],
        logStartOffset: Int64, logEndOffset: Int64, highWatermark: Int64, sizeBytes: Int64
    ) {
        self.partition = partition
        self.errorCode = errorCode
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        self.logStartOffset = logStartOffset
        self.logEndOffset = logEndOffset
        self.highWatermark = highWatermark
        self.sizeBytes = sizeBytes
    }
}

public struct TopicDescription: Sendable, Hashable {
    public var name: String
    public var errorCode: ErrorCode
    public var partitions: [PartitionDescription]
    public var configs: [String: String]
    public init(name: String, errorCode: ErrorCode = .none, partitions: [PartitionDescription], configs: [String: String] = [:]) {
        self.name = name
        self.errorCode = errorCode
        self.partitions = partitions
        self.configs = configs
    }
}

public struct DescribeTopicsResponse: Sendable, Hashable {
    public var topics: [TopicDescription]
    public init(topics: [TopicDescription]) { self.topics = topics }
}

// MARK: produce

public struct ProducePartitionData: Sendable {
    public var partition: Int32
    /// One or more whole record batches, as the client built them.
    public var records: ByteBuffer
    public init(partition: Int32, records: ByteBuffer) {
        self.partition = partition
        self.records = records
    }
}

public struct ProduceTopicData: Sendable {
    public var name: String
    public var partitions: [ProducePartitionData]
    public init(name: String, partitions: [ProducePartitionData]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct ProduceRequest: Sendable {
    /// 0, 1 or -1 (all).
    public var acks: Int16
    public var timeoutMs: Int32
    public var topics: [ProduceTopicData]
    public init(acks: Int16, timeoutMs: Int32, topics: [ProduceTopicData]) {
        self.acks = acks
        self.timeoutMs = timeoutMs
        self.topics = topics
    }
}

public struct ProducePartitionResponse: Sendable, Hashable {
    public var partition: Int32
    public var errorCode: ErrorCode
    public var errorMessage: String
    public var baseOffset: Int64
    public var logAppendTimeMs: Int64
    public var logStartOffset: Int64
    public init(partition: Int32, errorCode: ErrorCode = .none, errorMessage: String = "", baseOffset: Int64 = -1,
                logAppendTimeMs: Int64 = -1, logStartOffset: Int64 = -1) {
        self.partition = partition
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.baseOffset = baseOffset
        self.logAppendTimeMs = logAppendTimeMs
        self.logStartOffset = logStartOffset
    }
}

public struct ProduceTopicResponse: Sendable, Hashable {
    public var name: String
    public var partitions: [ProducePartitionResponse]
    public init(name: String, partitions: [ProducePartitionResponse]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct ProduceResponse: Sendable, Hashable {
    public var topics: [ProduceTopicResponse]
    public init(topics: [ProduceTopicResponse]) { self.topics = topics }
}

// MARK: fetch

public struct FetchPartition: Sendable, Hashable {
    public var partition: Int32
    public var fetchOffset: Int64
    public var partitionMaxBytes: Int32
    /// -1: not checked.
    public var currentLeaderEpoch: Int32
    public init(partition: Int32, fetchOffset: Int64, partitionMaxBytes: Int32, currentLeaderEpoch: Int32 = -1) {
        self.partition = partition
        self.fetchOffset = fetchOffset
        self.partitionMaxBytes = partitionMaxBytes
        self.currentLeaderEpoch = currentLeaderEpoch
    }
}

public struct FetchTopic: Sendable, Hashable {
    public var name: String
    public var partitions: [FetchPartition]
    public init(name: String, partitions: [FetchPartition]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct FetchRequest: Sendable, Hashable {
    /// -1 for consumers; a broker id for followers (which may read up to LEO, not only HW).
    public var replicaId: Int32
    public var maxWaitMs: Int32
    public var minBytes: Int32
    public var maxBytes: Int32
    public var topics: [FetchTopic]
    public init(replicaId: Int32 = -1, maxWaitMs: Int32 = 500, minBytes: Int32 = 1, maxBytes: Int32 = 52_428_800, topics: [FetchTopic]) {
        self.replicaId = replicaId
        self.maxWaitMs = maxWaitMs
        self.minBytes = minBytes
        self.maxBytes = maxBytes
        self.topics = topics
    }
}

public struct FetchPartitionResponse: Sendable {
    public var partition: Int32
    public var errorCode: ErrorCode
    public var highWatermark: Int64
    public var logStartOffset: Int64
    public var logEndOffset: Int64
    /// Whole batches as stored (the last may be cut at the byte limit; readers skip a partial tail). A decoded
    /// response always carries its batches here.
    public var records: ByteBuffer
    /// Broker side: the batches as a range of a segment file, sent from the page cache to the socket
    /// (`WireCodec.fetchResponseFrameParts`, sendfile) in place of `records`, which is then empty.
    public var fileRecords: FileRange?
    public init(partition: Int32, errorCode: ErrorCode = .none, highWatermark: Int64 = -1, logStartOffset: Int64 = -1,
                logEndOffset: Int64 = -1, records: ByteBuffer = ByteBuffer(), fileRecords: FileRange? = nil) {
        precondition(fileRecords == nil || records.readableBytes == 0, "records travel in memory or from a file, not both")
        self.partition = partition
        self.errorCode = errorCode
        self.highWatermark = highWatermark
        self.logStartOffset = logStartOffset
        self.logEndOffset = logEndOffset
        self.records = records
        self.fileRecords = fileRecords
    }

    /// Bytes of batches this partition carries, in memory or from a file.
    public var recordsByteCount: Int { fileRecords?.count ?? records.readableBytes }
}

public struct FetchTopicResponse: Sendable {
    public var name: String
    public var partitions: [FetchPartitionResponse]
    public init(name: String, partitions: [FetchPartitionResponse]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct FetchResponse: Sendable {
    public var topics: [FetchTopicResponse]
    public init(topics: [FetchTopicResponse]) { self.topics = topics }
}

// MARK: list offsets

public struct ListOffsetsPartition: Sendable, Hashable {
    public static let earliestTimestamp: Int64 = -2
    public static let latestTimestamp: Int64 = -1
    public var partition: Int32
    /// -2 earliest, -1 latest, otherwise milliseconds since the epoch.
    public var timestamp: Int64
    /// The leader epoch the client knows (Kafka's ListOffsets v4+; not on the native wire): an older one is
    /// FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH. -1: not checked.
    public var currentLeaderEpoch: Int32
    public init(partition: Int32, timestamp: Int64, currentLeaderEpoch: Int32 = -1) {
        self.partition = partition
        self.timestamp = timestamp
        self.currentLeaderEpoch = currentLeaderEpoch
    }
}

public struct ListOffsetsTopic: Sendable, Hashable {
    public var name: String
    public var partitions: [ListOffsetsPartition]
    public init(name: String, partitions: [ListOffsetsPartition]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct ListOffsetsRequest: Sendable, Hashable {
    public var topics: [ListOffsetsTopic]
    public init(topics: [ListOffsetsTopic]) { self.topics = topics }
}

public struct ListOffsetsPartitionResponse: Sendable, Hashable {
    public var partition: Int32
    public var errorCode: ErrorCode
    public var timestamp: Int64
    /// -1 when no record has that timestamp or later.
    public var offset: Int64
    public var leaderEpoch: Int32
    public init(partition: Int32, errorCode: ErrorCode = .none, timestamp: Int64 = -1, offset: Int64 = -1, leaderEpoch: Int32 = -1) {
        self.partition = partition
        self.errorCode = errorCode
        self.timestamp = timestamp
        self.offset = offset
        self.leaderEpoch = leaderEpoch
    }
}

public struct ListOffsetsTopicResponse: Sendable, Hashable {
    public var name: String
    public var partitions: [ListOffsetsPartitionResponse]
    public init(name: String, partitions: [ListOffsetsPartitionResponse]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct ListOffsetsResponse: Sendable, Hashable {
    public var topics: [ListOffsetsTopicResponse]
    public init(topics: [ListOffsetsTopicResponse]) { self.topics = topics }
}

// MARK: producer ids and leader epochs

public struct InitProducerIdRequest: Sendable, Hashable {
    public var transactionTimeoutMs: Int32
    public init(transactionTimeoutMs: Int32 = -1) { self.transactionTimeoutMs = transactionTimeoutMs }
}

public struct InitProducerIdResponse: Sendable, Hashable {
    public var errorCode: ErrorCode
    public var producerId: Int64
    public var producerEpoch: Int16
    public init(errorCode: ErrorCode = .none, producerId: Int64, producerEpoch: Int16) {
        self.errorCode = errorCode
        self.producerId = producerId
        self.producerEpoch = producerEpoch
    }
}

public struct OffsetForLeaderEpochPartition: Sendable, Hashable {
    public var partition: Int32
    public var leaderEpoch: Int32
    /// The leader epoch the client knows (Kafka's v2+; not on the native wire), fenced as in ListOffsets.
    public var currentLeaderEpoch: Int32
    public init(partition: Int32, leaderEpoch: Int32, currentLeaderEpoch: Int32 = -1) {
        self.partition = partition
        self.leaderEpoch = leaderEpoch
        self.currentLeaderEpoch = currentLeaderEpoch
    }
}

public struct OffsetForLeaderEpochTopic: Sendable, Hashable {
    public var name: String
    public var partitions: [OffsetForLeaderEpochPartition]
    public init(name: String, partitions: [OffsetForLeaderEpochPartition]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct OffsetForLeaderEpochRequest: Sendable, Hashable {
    public var replicaId: Int32
    public var topics: [OffsetForLeaderEpochTopic]
    public init(replicaId: Int32, topics: [OffsetForLeaderEpochTopic]) {
        self.replicaId = replicaId
        self.topics = topics
    }
}

public struct OffsetForLeaderEpochPartitionResponse: Sendable, Hashable {
    public var partition: Int32
    public var errorCode: ErrorCode
    public var leaderEpoch: Int32
    public var endOffset: Int64
    public init(partition: Int32, errorCode: ErrorCode = .none, leaderEpoch: Int32, endOffset: Int64) {
        self.partition = partition
        self.errorCode = errorCode
        self.leaderEpoch = leaderEpoch
        self.endOffset = endOffset
    }
}

public struct OffsetForLeaderEpochTopicResponse: Sendable, Hashable {
    public var name: String
    public var partitions: [OffsetForLeaderEpochPartitionResponse]
    public init(name: String, partitions: [OffsetForLeaderEpochPartitionResponse]) {
        self.name = name
        self.partitions = partitions
    }
}

public struct OffsetForLeaderEpochResponse: Sendable, Hashable {
    public var topics: [OffsetForLeaderEpochTopicResponse]
    public init(topics: [OffsetForLeaderEpochTopicResponse]) { self.topics = topics }
}

// MARK: controller requests

/// Kafka's ElectLeaders (preferred): the controller moves each partition of `topics` (every topic when empty)
/// back to its first assigned replica where that is alive and in sync.
public struct ElectLeadersRequest: Sendable, Hashable {
    public var topics: [String]
    public init(topics: [String] = []) { self.topics = topics }
}

/// One leader change the controller committed.
public struct ElectionResult: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var leader: Int32
    public var leaderEpoch: Int32
    public var previousLeader: Int32
    public init(topic: String, partition: Int32, leader: Int32, leaderEpoch: Int32, previousLeader: Int32) {
        self.topic = topic
        self.partition = partition
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.previousLeader = previousLeader
    }
}

public struct ElectLeadersResponse: Sendable, Hashable {
    /// NOT_CONTROLLER when the broker asked is not the controller.
    public var errorCode: ErrorCode
    public var errorMessage: String
    public var elections: [ElectionResult]
    public init(errorCode: ErrorCode = .none, errorMessage: String = "", elections: [ElectionResult] = []) {
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.elections = elections
    }
}

/// Kafka's ControlledShutdown: broker `brokerId` is stopping and asks the controller to move its leaderships.
public struct ControlledShutdownRequest: Sendable, Hashable {
    public var brokerId: Int32
    public init(brokerId: Int32) { self.brokerId = brokerId }
}

public struct ControlledShutdownResponse: Sendable, Hashable {
    /// NOT_CONTROLLER when the broker asked is not the controller.
    public var errorCode: ErrorCode
    public var errorMessage: String
    /// Partitions the broker still leads: no other live in-sync replica could take them.
    public var remainingPartitions: Int32
    public init(errorCode: ErrorCode = .none, errorMessage: String = "", remainingPartitions: Int32 = 0) {
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.remainingPartitions = remainingPartitions
    }
}
