import Foundation
import SluiceObservability
import SluiceProducer
import Testing

/// Why batches leave the accumulator — linger, full, flush, memory — measured on the producer's own metrics
/// while it sends to a real broker.
@Suite(.serialized)
struct ProducerReadinessTests {
    static func makeProducer(_ broker: BrokerProcess, _ extra: [String: String]) throws -> (Producer<[UInt8], [UInt8]>, ProducerMetrics) {
        let metrics = ProducerMetrics()
        var config = ["bootstrap.servers": broker.bootstrap, "acks": "all"]
        config.merge(extra) { $1 }
        return (try Producer(config: config, metrics: metrics), metrics)
    }

    @Test func trickleLeavesByLingerAfterAboutLingerMs() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "trickle", "--bootstrap-server", broker.bootstrap]).status == 0)
        let (producer, metrics) = try Self.makeProducer(broker, ["linger.ms": "50"])
        for index in 0..<8 {
            let metadata = try await producer.send(ProducerRecord(topic: "trickle", value: Array("r\(index)".utf8)))
            #expect(metadata.offset == Int64(index))
        }
        await producer.close()
        let text = ProducerTestSupport.metricsText(metrics)
        #expect(ProducerTestSupport.value(of: "sluice_producer_batches_sent_total{reason=\"linger\"}", in: text) == 8)
        let linger = ProducerTestSupport.histogram("sluice_producer_linger_wait_seconds", in: text)
        #expect(linger.count == 8)
        let average = linger.sum / max(1, linger.count)
        #expect(average >= 0.045 && average < 0.5, "average linger wait \(average) s, expected about 0.05")
    }

    @Test func floodLeavesByFull() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "flood", "--bootstrap-server", broker.bootstrap]).status == 0)
        let (producer, metrics) = try Self.makeProducer(broker, ["linger.ms": "5000", "batch.size": "16384"])
        let value = [UInt8](repeating: 0x62, count: 1024)
        for _ in 0..<2_000 {
            try await producer.send(ProducerRecord(topic: "flood", value: value), completion: nil)
        }
        await producer.flush()
        await producer.close()
        let text = ProducerTestSupport.metricsText(metrics)
        let full = ProducerTestSupport.value(of: "sluice_producer_batches_sent_total{reason=\"full\"}", in: text) ?? 0
        #expect(full >= 100, "2000 × 1 KiB in 16 KiB batches should fill at least 100 batches, saw \(full)")
    }

    @Test func flushSendsWithoutWaitingForLinger() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "flushed", "--bootstrap-server", broker.bootstrap]).status == 0)
        let (producer, metrics) = try Self.makeProducer(broker, ["linger.ms": "60000"])
        let acknowledged = AckCounter()
        for index in 0..<10 {
            try await producer.send(ProducerRecord(topic: "flushed", value: Array("f\(index)".utf8))) { result in
                if case .success = result { acknowledged.increment() }
            }
        }
        await producer.flush()
        #expect(acknowledged.value == 10, "flush returned before every record was acknowledged")
        await producer.close()
        let text = ProducerTestSupport.metricsText(metrics)
        #expect((ProducerTestSupport.value(of: "sluice_producer_batches_sent_total{reason=\"flush\"}", in: text) ?? 0) >= 1)
        #expect(ProducerTestSupport.value(of: "sluice_producer_batches_sent_total{reason=\"linger\"}", in: text) == 0)
    }

    @Test func tinyBufferMemoryBlocksThenFailsAfterMaxBlockMs() async throws {
        let broker = try BrokerProcess()
        defer { kill(broker.pid, SIGCONT); broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "starved", "--partitions", "2", "--bootstrap-server", broker.bootstrap]).status == 0)
        let (producer, metrics) = try Self.makeProducer(
            broker, ["linger.ms": "60000", "batch.size": "16384", "buffer.memory": "65536", "max.block.ms": "300",
                     "request.timeout.ms": "30000", "delivery.timeout.ms": "120000"])
        // Warm metadata while the broker answers, then freeze it so nothing drains.
        try await producer.send(ProducerRecord(topic: "starved", partition: 1, value: [1]), completion: nil)
        await producer.flush()
        kill(broker.pid, SIGSTOP)
        // A lingering batch on partition 1 can only leave because an appender waits for memory.
        try await producer.send(ProducerRecord(topic: "starved", partition: 1, value: [2]), completion: nil)
        let value = [UInt8](repeating: 0x63, count: 1024)
        let started = ContinuousClock.now
        var failure: ProducerError?
        for _ in 0..<1_000 where failure == nil {
            do { try await producer.send(ProducerRecord(topic: "starved", partition: 0, value: value), completion: nil) } catch {
                failure = error
            }
        }
        let waited = started.duration(to: .now)
        guard case .bufferExhausted = failure else {
            Issue.record("expected bufferExhausted, got \(String(describing: failure))")
            return
        }
        #expect(waited >= .milliseconds(300), "send gave up before max.block.ms")
        let text = ProducerTestSupport.metricsText(metrics)
        #expect((ProducerTestSupport.value(of: "sluice_producer_batches_sent_total{reason=\"memory\"}", in: text) ?? 0) >= 1)
        #expect(ProducerTestSupport.histogram("sluice_producer_buffer_wait_seconds", in: text).count >= 1)
        kill(broker.pid, SIGCONT)
        await producer.close(timeout: .seconds(10))
    }

    @Test func unkeyedRecordsStickToOnePartitionPerBatch() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "sticky", "--partitions", "4", "--bootstrap-server", broker.bootstrap]).status == 0)
        let (producer, _) = try Self.makeProducer(broker, ["linger.ms": "20", "batch.size": "4096"])
        let partitions = PartitionLog()
        let value = [UInt8](repeating: 0x64, count: 200)
        for index in 0..<400 {
            try await producer.send(ProducerRecord(topic: "sticky", value: value)) { result in
                if case .success(let metadata) = result { partitions.append(index: index, partition: metadata.partition) }
            }
        }
        await producer.flush()
        await producer.close()
        let runs = partitions.runsInSendOrder()
        #expect(runs.count >= 10, "400 × 200 B in 4 KiB batches make many batches, saw \(runs.count) runs")
        for (previous, next) in zip(runs, runs.dropFirst()) {
            #expect(previous != next, "a new batch must switch to a different partition")
        }
        #expect(Set(runs).count >= 2)
    }
}

/// Counts acknowledgements from completion callbacks (any thread).
final class AckCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Partition of each acknowledged record by send index (acks arrive out of order across partitions,
/// so the send order is rebuilt from the index each completion captured).
final class PartitionLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(index: Int, partition: Int32)] = []
    func append(index: Int, partition: Int32) { lock.withLock { entries.append((index, partition)) } }
    /// The partitions of the runs of consecutive sends that stayed on one partition.
    func runsInSendOrder() -> [Int32] {
        let all = lock.withLock { entries }.sorted { $0.index < $1.index }
        var runs: [Int32] = []
        for entry in all where runs.last != entry.partition { runs.append(entry.partition) }
        return runs
    }
}
