import Foundation
import Prometheus
import SluiceProducer
import Testing

/// An application that embeds the producer exposes its metrics on its own Prometheus registry, next to its
/// own series, against a real broker: nothing comes from or goes to a process-wide registry.
@Suite(.serialized)
struct ProducerOwnRegistryTests {
    @Test func producerSeriesLandOnTheApplicationsRegistryAfterSends() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "embedded", "--bootstrap-server", broker.bootstrap]).status == 0)
        let registry = PrometheusCollectorRegistry()
        let appRequests = registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "app_requests_total", unitName: "", helpText: "The app's own."))
        appRequests.increment(by: Int64(2))
        let producer = try Producer(
            config: ["bootstrap.servers": broker.bootstrap, "acks": "all", "linger.ms": "0"],
            metrics: ProducerMetrics(registry: registry))
        #expect(producer.metrics.registry === registry)
        for index in 0..<10 {
            let metadata = try await producer.send(ProducerRecord(topic: "embedded", value: Array("e\(index)".utf8)))
            #expect(metadata.offset == Int64(index))
        }
        await producer.close()

        let text = registry.emitToString()
        #expect(text.contains("app_requests_total 2\n"), "the application's own series stay")
        #expect(ProducerTestSupport.value(of: "sluice_producer_records_sent_total{topic=\"embedded\"}", in: text) == 10)
        #expect(text.contains("# HELP sluice_producer_batches_sent_total "))
        let sent = ["full", "linger", "flush", "memory"].compactMap {
            ProducerTestSupport.value(of: "sluice_producer_batches_sent_total{reason=\"\($0)\"}", in: text)
        }
        #expect(sent.count == 4, "every reason's series exists")
        #expect(sent.reduce(0, +) >= 1)
        #expect(ProducerTestSupport.histogram("sluice_producer_delivery_latency_seconds", in: text).count == 10)
        #expect(text.contains("sluice_producer_request_latency_seconds_count{broker=\""))
        #expect(!text.contains("sluice_broker_"), "no broker series on an application's registry")
    }

    @Test func twoProducersOnTwoRegistriesKeepTheirOwnCounts() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "split", "--bootstrap-server", broker.bootstrap]).status == 0)
        let first = PrometheusCollectorRegistry()
        let second = PrometheusCollectorRegistry()
        let config = ["bootstrap.servers": broker.bootstrap, "acks": "1", "linger.ms": "0"]
        let one = try Producer(config: config, metrics: ProducerMetrics(registry: first))
        let other = try Producer(config: config, metrics: ProducerMetrics(registry: second))
        for index in 0..<4 { _ = try await one.send(ProducerRecord(topic: "split", value: Array("a\(index)".utf8))) }
        _ = try await other.send(ProducerRecord(topic: "split", value: Array("b".utf8)))
        await one.close()
        await other.close()
        let series = "sluice_producer_records_sent_total{topic=\"split\"}"
        #expect(ProducerTestSupport.value(of: series, in: first.emitToString()) == 4)
        #expect(ProducerTestSupport.value(of: series, in: second.emitToString()) == 1)
    }
}
