import Foundation
import Logging
import NIOCore
import SluiceCluster
import SluiceStorage
import SluiceWire
import Testing

@testable import SluiceBroker
@testable import SluiceObservability

/// A broker's metadata side over a real embedded store and real logs: the watch moves hosted partitions
/// between leader, follower and offline; Metadata and Describe are answered from the cache alone; the
/// controller's gauges follow the office and the cluster.
@Suite struct BrokerMetadataListenerTests {
    /// Broker 1 (controller, hosting the logs) and broker 2 registered; the listener watching.
    struct Broker {
        let store: CountingStore
        let controller: Controller
        let replicaManager: ReplicaManager
        let cache: BrokerMetadataCache
        let handler: BrokerRequestHandler
        let metrics: BrokerMetrics
        let watch: Task<Void, any Error>

        func stop() {
            watch.cancel()
            replicaManager.shutdown()
        }

        /// The value of one exposition series, e.g. `sluice_controller_active`.
        func metric(_ series: String) -> Double? {
            for line in metrics.emit().split(separator: "\n") where line.hasPrefix(series + " ") {
                return Double(line.dropFirst(series.count + 1))
            }
            return nil
        }

        /// Writes `change` of `topic`-0 as the controller and waits until this broker applied it.
        func controllerWrites(_ topic: String, _ change: (inout PartitionState) -> Void) async throws {
            var state = try #require(cache.image.topics[topic]?.partitions.first)
            change(&state)
            let fence = ControllerFence(epoch: try #require(await controller.current).epoch)
            let revision = try await store.writePartition(
                topic: topic, state: state, expectedVersion: state.version, fence: .controller(fence))
            #expect(await cache.waitUntilApplied(revision, timeout: .seconds(10)))
        }

        func produce(to topic: String) async -> ErrorCode? {
            var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
            builder.append(key: nil as [UInt8]?, value: Array("v".utf8), timestamp: 1_700_000_000_000)
            var request = ProduceRequest(
                acks: 1, timeoutMs: 1_000,
                topics: [ProduceTopicData(name: topic, partitions: [ProducePartitionData(partition: 0, records: builder.finish())])])
            return await replicaManager.produce(&request).topics.first?.partitions.first?.errorCode
        }
    }

    private func startBroker(in directory: String) async throws -> Broker {
        let inner = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
        let store = CountingStore(inner)
        let session = try await store.register(broker(1), ttl: .seconds(30))
        _ = try await store.register(broker(2), ttl: .seconds(30))
        let metrics = BrokerMetrics(version: "test")
        let controllerMetrics = ControllerMetrics(registry: metrics.registry)
        let controller = Controller(store: store, session: session, metrics: controllerMetrics, random: { _ in 0 })
        try #require(try await controller.campaign() != nil)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let replicaManager = ReplicaManager(
            brokerId: 1, logDirectory: directory + "/logs", logConfig: LogConfig(), minInsyncReplicas: 1,
            metrics: metrics, events: EventEmitter(sink: LogSink(target: .stderr)), logger: logger)
        let cache = BrokerMetadataCache()
        let listener = MetadataListener(
            store: store, cache: cache, replicaManager: replicaManager, controllerMetrics: controllerMetrics,
            logger: logger)
        try await listener.load()
        let watch = Task { try await listener.run() }
        let handler = BrokerRequestHandler(
            replicaManager: replicaManager, store: store, cache: cache, controller: controller,
            defaults: .init(numPartitions: 1, replicationFactor: 1), logger: logger)
        return Broker(
            store: store, controller: controller, replicaManager: replicaManager, cache: cache, handler: handler,
            metrics: metrics, watch: watch)
    }

    @Test func theWatchMovesAHostedPartitionBetweenLeaderFollowerAndOffline() async throws {
        try await withTemporaryDirectory { directory in
            let broker = try await startBroker(in: directory)
            defer { broker.stop() }
            let revision = try await broker.controller.createTopic(
                name: "t", partitions: 1, replicationFactor: 2, configs: [:])
            #expect(await broker.cache.waitUntilApplied(revision, timeout: .seconds(10)))
            #expect(broker.cache.image.topics["t"]?.partitions.first?.replicas == [1, 2])
            #expect(await broker.produce(to: "t") == ErrorCode.none, "hosted as leader")

            try await broker.controllerWrites("t") { $0.leader = 2; $0.leaderEpoch = 1 }
            #expect(await broker.produce(to: "t") == .notLeaderOrFollower, "follower of broker 2 at epoch 1")

            try await broker.controllerWrites("t") { $0.leader = 1; $0.leaderEpoch = 2 }
            #expect(await broker.produce(to: "t") == ErrorCode.none, "leader again at epoch 2")
            #expect(broker.metric("sluice_controller_offline_partitions") == 0)

            try await broker.controllerWrites("t") { $0.leader = -1; $0.leaderEpoch = 3 }
            #expect(await broker.produce(to: "t") == .notLeaderOrFollower, "offline")
            #expect(broker.metric("sluice_controller_offline_partitions") == 1)
            let partition = try #require(broker.replicaManager.partition(TopicPartition(topic: "t", partition: 0)))
            #expect(partition.logEndOffset == 2, "the two leader appends, nothing while following or offline")
        }
    }

    @Test func metadataAndDescribeAreAnsweredWithoutReadingTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let broker = try await startBroker(in: directory)
            defer { broker.stop() }
            let created = await broker.handler.handle(Request(correlationId: 1, body: .createTopics(
                CreateTopicsRequest(topics: [CreatableTopic(name: "orders", numPartitions: 3, replicationFactor: 1)]))))
            guard case .createTopics(let answer) = created.body else {
                Issue.record("no CreateTopics answer: \(created)")
                return
            }
            #expect(answer.topics.map(\.errorCode) == [ErrorCode.none])
            broker.store.reset()
            for correlationId in Int32(2)..<12 {
                let metadata = await broker.handler.handle(
                    Request(correlationId: correlationId, body: .metadata(MetadataRequest(topics: nil))))
                guard case .metadata(let body) = metadata.body else {
                    Issue.record("no Metadata answer")
                    return
                }
                #expect(body.controllerId == 1)
                #expect(body.brokers.map(\.nodeId) == [1, 2])
                #expect(body.topics.map(\.name) == ["orders"] && body.topics.first?.partitions.count == 3)
                let describe = await broker.handler.handle(
                    Request(correlationId: correlationId, body: .describeTopics(DescribeTopicsRequest(topics: []))))
                guard case .describeTopics(let topics) = describe.body else {
                    Issue.record("no DescribeTopics answer")
                    return
                }
                #expect(topics.topics.first?.partitions.count == 3)
                let cluster = await broker.handler.handle(Request(correlationId: correlationId, body: .describeCluster))
                guard case .describeCluster(let described) = cluster.body else {
                    Issue.record("no DescribeCluster answer")
                    return
                }
                #expect(described.controllerId == 1)
            }
            #expect(broker.store.total == 0, "30 reads answered from the cache, none from the store")
        }
    }

    @Test func theControllerGaugesFollowTheOfficeAndTheCluster() async throws {
        try await withTemporaryDirectory { directory in
            let broker = try await startBroker(in: directory)
            defer { broker.stop() }
            let epoch = try #require(await broker.controller.current).epoch
            let revision = try await broker.controller.createTopic(
                name: "g", partitions: 2, replicationFactor: 1, configs: [:])
            #expect(await broker.cache.waitUntilApplied(revision, timeout: .seconds(10)))
            #expect(broker.metric("sluice_controller_active") == 1)
            #expect(broker.metric("sluice_controller_elections_total") == 1)
            #expect(broker.metric("sluice_controller_epoch") == Double(epoch))
            #expect(broker.metric("sluice_cluster_brokers_alive") == 2)
            #expect(broker.metric("sluice_controller_offline_partitions") == 0)

            #expect(try await broker.controller.resign()?.epoch == epoch)
            #expect(broker.metric("sluice_controller_active") == 0)
            let resigned = await broker.store.inner.snapshot().revision
            #expect(await broker.cache.waitUntilApplied(resigned, timeout: .seconds(10)))
            #expect(broker.metric("sluice_cluster_brokers_alive") == 0, "only the controller reports the cluster")
            #expect(broker.metric("sluice_controller_epoch") == Double(epoch), "the last epoch known")

            let again = try #require(try await broker.controller.campaign())
            #expect(again.epoch > epoch)
            #expect(broker.metric("sluice_controller_elections_total") == 2)
            #expect(broker.metric("sluice_controller_active") == 1)
            #expect(broker.metric("sluice_controller_epoch") == Double(again.epoch))
        }
    }
}
