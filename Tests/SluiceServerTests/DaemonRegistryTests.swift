import Prometheus
import SluiceBroker
import SluiceCluster
import SluiceObservability
import SluiceProducer
import SluiceServer
import SluiceTestSupport
import SluiceWire
import Testing

@testable import SluiceGroups

/// `sluiced` declares the broker's, its gateway producer's and the gateway's metrics on one registry, so one
/// scrape of `/metrics` shows them all; the combined exposition must stay valid Prometheus text.
@Suite struct DaemonRegistryTests {
    /// Every metrics type of the daemon on one registry, each labelled family with a series.
    static func populatedRegistry() -> BrokerMetrics {
        let broker = BrokerMetrics(version: "test")
        _ = broker.partition(topic: "orders", partition: 0).followerLag(replica: 2)
        broker.topic("orders").recordAppend(records: 3, bytes: 300)
        broker.recordProduceRequest(acks: .all, latency: .milliseconds(3))
        let producer = ProducerMetrics(registry: broker.registry)
        producer.partition(topic: "orders", partition: 0).update(batches: 2, records: 40)
        producer.setBufferMemory(usedBytes: 1_024, availableBytes: 31_744)
        producer.recordBufferWait(.milliseconds(1))
        producer.recordLingerWait(.milliseconds(5))
        producer.recordBatchSent(reason: .linger, sizeBytes: 4_000, records: 40)
        producer.topic("orders").recordSent(records: 40)
        producer.topic("orders").recordRetried(records: 2)
        producer.topic("orders").recordFailed(records: 1, error: "NOT_ENOUGH_REPLICAS")
        producer.broker(1).requestSent()
        producer.broker(1).requestCompleted(latency: .milliseconds(3))
        producer.recordDeliveryLatency(.milliseconds(9))
        GatewayMetrics(registry: broker.registry).recordRequest(code: 200, duration: .milliseconds(4))
        broker.recordRequest(api: "Produce", protocol: .kafka, errors: [.notLeaderOrFollower])
        let groups = GroupMetrics(registry: broker.registry)
        groups.observe(group: "billing", members: 2, generation: 3)
        groups.rebalanced(group: "billing", reason: "join")
        groups.committed(group: "billing", topicPartition: TopicPartition(topic: "orders", partition: 0), offset: 7)
        groups.lag(group: "billing", topicPartition: TopicPartition(topic: "orders", partition: 0), records: 1)
        _ = MetadataStoreMetrics(registry: broker.registry)
        ControllerMetrics(registry: broker.registry).observe(
            controller: ControllerInfo(brokerId: 1, epoch: 3), localBrokerId: 1, brokersAlive: 1, offlinePartitions: 0)
        return broker
    }

    @Test func brokerProducerAndGatewayMetricsShareOneRegistry() {
        let broker = BrokerMetrics(version: "test")
        let producer = ProducerMetrics(registry: broker.registry)
        _ = GatewayMetrics(registry: broker.registry)
        producer.recordBatchSent(reason: .flush, sizeBytes: 512, records: 2)
        let text = broker.emit()
        #expect(text.contains("sluice_producer_batches_sent_total{reason=\"flush\"} 1\n"))
        #expect(text.contains("sluice_gateway_requests_total{code=\"404\"} 0\n"))
        #expect(text.contains("# HELP sluice_broker_leader_partitions "))
        #expect(producer.emit() == broker.registry.emitToString())
    }

    @Test func everyDeclaredMetricOfTheDaemonIsExposedWithHelpAndType() {
        let text = Self.populatedRegistry().emit()
        let all = BrokerMetrics.definitions + ControllerMetrics.definitions + ProducerMetrics.definitions
            + GatewayMetrics.definitions + MetadataStoreMetrics.definitions + GroupMetrics.definitions
        for definition in all {
            #expect(text.contains("# HELP \(definition.name) "), "no HELP for \(definition.name)")
            #expect(text.contains("# TYPE \(definition.name) \(definition.kind.rawValue)\n"), "\(definition.name)")
        }
    }

    @Test func promtoolAcceptsTheDaemonsWholeExposition() throws {
        guard let promtool = TestTools.find("promtool") else {
            print("skipped promtoolAcceptsTheDaemonsWholeExposition: promtool is not on PATH (Debian package prometheus)")
            return
        }
        let file = try TestTools.writeTemporaryFile(Self.populatedRegistry().emit())
        defer { TestTools.remove(file) }
        let result = try TestTools.run(promtool, ["check", "metrics"], standardInputPath: file)
        #expect(result.status == 0, "promtool check metrics failed: \(result.output)")
    }
}
