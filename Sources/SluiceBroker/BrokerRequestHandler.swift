import Logging
import SluiceCluster
import SluiceWire

/// Dispatches decoded requests to the replica manager (data plane) and the metadata store (admin),
/// Kafka's `KafkaApis`. One instance per broker; safe to call from many connections at once.
public final class BrokerRequestHandler: Sendable {
    public let replicaManager: ReplicaManager
    let store: any MetadataStore
    let defaults: TopicDefaults
    let logger: Logger
    /// Producer ids for InitProducerId, reserved in blocks from `store`.
    let producerIds: ProducerIdManager

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

    public init(replicaManager: ReplicaManager, store: any MetadataStore, defaults: TopicDefaults, logger: Logger) {
        self.replicaManager = replicaManager
        self.store = store
        self.defaults = defaults
        self.logger = logger
        self.producerIds = ProducerIdManager(store: store)
    }

    /// Loads metadata and hosts every partition assigned here (running log recovery). Call once at start.
    public func start(advertised: BrokerInfo) async throws {
        try await store.registerBroker(advertised)
        let snapshot = try await store.snapshot()
        for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) {
            try replicaManager.host(topic: topic)
        }
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
            responseBody = .describeCluster(await describeCluster())
        case .describeTopics(let describe):
            responseBody = .describeTopics(await describeTopics(describe))
        case .offsetForLeaderEpoch(let request):
            responseBody = .offsetForLeaderEpoch(replicaManager.offsetForLeaderEpoch(request))
        case .initProducerId(let request):
            responseBody = .initProducerId(await initProducerId(request))
        }
        return Response(correlationId: correlationId, body: responseBody)
    }

    private func snapshotOrNil() async -> ClusterSnapshot? {
        do { return try await store.snapshot() } catch {
            logger.error("metadata store read failed: \(error)")
            return nil
        }
    }

    func metadata(_ request: MetadataRequest) async -> MetadataResponse {
        if defaults.autoCreateTopics, let names = request.topics { await autoCreate(names) }
        guard let snapshot = await snapshotOrNil() else {
            return MetadataResponse(brokers: [], clusterId: "", controllerId: -1, topics: [])
        }
        let names = request.topics ?? snapshot.topics.keys.sorted()
        let topics = names.map { name -> TopicMetadata in
            guard let topic = snapshot.topics[name] else {
                return TopicMetadata(errorCode: .unknownTopicOrPartition, name: name, partitions: [])
            }
            return TopicMetadata(name: name, partitions: topic.partitions.map {
                PartitionMetadata(partition: $0.partition, leader: $0.leader, leaderEpoch: $0.leaderEpoch,
                                  replicas: $0.replicas, isr: $0.isr)
            })
        }
        return MetadataResponse(
            brokers: snapshot.brokers, clusterId: snapshot.clusterId, controllerId: snapshot.controllerId, topics: topics)
    }

    func describeCluster() async -> DescribeClusterResponse {
        let snapshot = await snapshotOrNil()
        return DescribeClusterResponse(
            clusterId: snapshot?.clusterId ?? "", controllerId: snapshot?.controllerId ?? -1,
            brokers: snapshot?.brokers ?? [], metadataStore: store.description)
    }

    func describeTopics(_ request: DescribeTopicsRequest) async -> DescribeTopicsResponse {
        guard let snapshot = await snapshotOrNil() else { return DescribeTopicsResponse(topics: []) }
        let names = request.topics.isEmpty ? snapshot.topics.keys.sorted() : request.topics
        return DescribeTopicsResponse(topics: names.map { name in
            guard let topic = snapshot.topics[name] else {
                return TopicDescription(name: name, errorCode: .unknownTopicOrPartition, partitions: [])
            }
            let hosted = Dictionary(uniqueKeysWithValues: replicaManager.partitions(of: name).map {
                ($0.topicPartition.partition, $0.describe())
            })
            let partitions = topic.partitions.map { state in
                hosted[state.partition] ?? PartitionDescription(
                    partition: state.partition, leader: state.leader, leaderEpoch: state.leaderEpoch,
                    replicas: state.replicas, isr: state.isr, logStartOffset: -1, logEndOffset: -1,
                    highWatermark: -1, sizeBytes: -1)
            }
            return TopicDescription(name: name, partitions: partitions, configs: topic.configs)
        })
    }
}
