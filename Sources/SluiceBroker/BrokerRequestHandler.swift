import Logging
import SluiceCluster
import SluiceWire

/// Dispatches decoded requests to the replica manager (data plane), the metadata cache (Metadata, Describe)
/// and the controller (topic creation and deletion), Kafka's `KafkaApis`. One instance per broker; safe to call from many connections at once.
public final class BrokerRequestHandler: Sendable {
    public let replicaManager: ReplicaManager
    let store: any MetadataStore
    /// What this broker knows of the cluster, fed by the ``MetadataListener``: Metadata and Describe read it.
    public let cache: BrokerMetadataCache
    /// The controller, when this broker holds it (the embedded single broker always does); topic creation and
    /// deletion go through it.
    let controller: Controller?
    let defaults: TopicDefaults
    let logger: Logger
    /// Producer ids for InitProducerId, reserved in blocks from `store`.
    let producerIds: ProducerIdManager
    /// How long CreateTopics and DeleteTopics wait for this broker to apply the controller's write.
    let metadataApplyTimeout: Duration

    /// Broker-wide topic policy: defaults for topics created without explicit values, and which topic changes
    /// clients may cause.
    public struct TopicDefaults: Sendable {
        /// num.partitions
        public var numPartitions: Int32
        /// default.replication.factor
        public var replicationFactor: Int32
        /// auto.create.topics.enable: a Metadata or Produce request naming an unknown topic creates it.
        public var autoCreateTopics: Bool
        /// delete.topic.enable: when false, DeleteTopics is answered with TOPIC_DELETION_DISABLED.
        public var deleteTopicEnable: Bool
        public init(
            numPartitions: Int32, replicationFactor: Int32, autoCreateTopics: Bool = false, deleteTopicEnable: Bool = true
        ) {
            self.numPartitions = numPartitions
            self.replicationFactor = replicationFactor
            self.autoCreateTopics = autoCreateTopics
            self.deleteTopicEnable = deleteTopicEnable
        }
    }

    public init(
        replicaManager: ReplicaManager, store: any MetadataStore, cache: BrokerMetadataCache = BrokerMetadataCache(),
        controller: Controller? = nil,
        defaults: TopicDefaults, logger: Logger, metadataApplyTimeout: Duration = .seconds(30)
    ) {
        self.replicaManager = replicaManager
        self.store = store
        self.cache = cache
        self.controller = controller
        self.defaults = defaults
        self.logger = logger
        self.producerIds = ProducerIdManager(store: store)
        self.metadataApplyTimeout = metadataApplyTimeout
    }

    /// Handles one request. `request` is consumed: produce batches are stamped in place in its buffers.
    public func handle(_ request: consuming Request) async -> Response {
        let correlationId = request.correlationId
        let body = request.body
        _ = consume request
        let responseBody: ResponseBody
        switch consume body {
        case .produce(var produce):
            if defaults.autoCreateTopics { await autoCreate(produce.topics.map(\.name)) }
            responseBody = .produce(await replicaManager.produce(&produce))
        case .fetch(let fetch):
            responseBody = .fetch(await replicaManager.fetch(fetch))
        case .listOffsets(let listOffsets):
            responseBody = .listOffsets(replicaManager.listOffsets(listOffsets))
        case .metadata(let metadata):
            responseBody = .metadata(await self.metadata(metadata))
        case .createTopics(let create):
            responseBody = .createTopics(await createTopics(create))
        case .deleteTopics(let delete):
            responseBody = .deleteTopics(await deleteTopics(delete))
        case .describeCluster:
            responseBody = .describeCluster(describeCluster())
        case .describeTopics(let describe):
            responseBody = .describeTopics(describeTopics(describe))
        case .offsetForLeaderEpoch(let request):
            responseBody = .offsetForLeaderEpoch(replicaManager.offsetForLeaderEpoch(request))
        case .initProducerId(let request):
            responseBody = .initProducerId(await initProducerId(request))
        case .electLeaders(let request):
            responseBody = .electLeaders(await electLeaders(request))
        case .controlledShutdown(let request):
            responseBody = .controlledShutdown(await controlledShutdown(request))
        }
        return Response(correlationId: correlationId, body: responseBody)
    }

    func metadata(_ request: MetadataRequest) async -> MetadataResponse {
        if defaults.autoCreateTopics, let names = request.topics { await autoCreate(names) }
        let image = cache.image
        let names = request.topics ?? image.topics.keys.sorted()
        let topics = names.map { name -> TopicMetadata in
            guard let topic = image.topics[name] else {
                return TopicMetadata(errorCode: .unknownTopicOrPartition, name: name, partitions: [])
            }
            return TopicMetadata(name: name, partitions: topic.partitions.map {
                PartitionMetadata(partition: $0.partition, leader: $0.leader, leaderEpoch: $0.leaderEpoch,
                                  replicas: $0.replicas, isr: $0.isr)
            })
        }
        return MetadataResponse(
            brokers: image.sortedBrokers, clusterId: image.clusterId, controllerId: image.controller?.brokerId ?? -1,
            topics: topics)
    }

    func describeCluster() -> DescribeClusterResponse {
        let image = cache.image
        return DescribeClusterResponse(
            clusterId: image.clusterId, controllerId: image.controller?.brokerId ?? -1,
            brokers: image.sortedBrokers, metadataStore: store.description)
    }

    func describeTopics(_ request: DescribeTopicsRequest) -> DescribeTopicsResponse {
        let image = cache.image
        let names = request.topics.isEmpty ? image.topics.keys.sorted() : request.topics
        return DescribeTopicsResponse(topics: names.map { name in
            guard let topic = image.topics[name] else {
                return TopicDescription(name: name, errorCode: .unknownTopicOrPartition, partitions: [])
            }
            let hosted = Dictionary(uniqueKeysWithValues: replicaManager.partitions(of: name).map {
                ($0.topicPartition.partition, $0.describe())
            })
            // Leader, epoch, replicas and ISR from the metadata; offsets and size from the local replica, if any.
            let partitions = topic.partitions.map { state in
                hosted[state.partition].map { local in
                    var merged = local
                    merged.leader = state.leader
                    merged.leaderEpoch = state.leaderEpoch
                    merged.replicas = state.replicas
                    merged.isr = state.isr
                    return merged
                } ?? PartitionDescription(
                    partition: state.partition, leader: state.leader, leaderEpoch: state.leaderEpoch,
                    replicas: state.replicas, isr: state.isr, logStartOffset: -1, logEndOffset: -1,
                    highWatermark: -1, sizeBytes: -1)
            }
            return TopicDescription(name: name, partitions: partitions, configs: topic.configs)
        })
    }
}
