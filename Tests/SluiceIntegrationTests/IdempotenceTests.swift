import Foundation
import NIOCore
import SluiceProducer
import SluiceWire
import Synchronization
import Testing

/// A lost produce response makes the producer retry; the broker recognises the retry by producer id and
/// sequence, even across a restart, and the log holds each record once. A forged gap is refused.
@Suite(.serialized)
struct IdempotenceTests {
    static func consumeValues(topic: String, broker: BrokerProcess, expected: Int) throws -> [String] {
        let result = try CLI.run(["consume", "--topic", topic, "--from-beginning", "--max-messages", "\(expected + 10)",
                                  "--timeout-ms", "2000", "--bootstrap-server", broker.bootstrap])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    static func brokerMetric(_ series: String, broker: BrokerProcess) throws -> Double? {
        let (_, text) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        return ProducerTestSupport.value(of: series, in: text)
    }

    /// A broker with `topic`, advertising a proxy in front of it that drops the first `dropping` produce
    /// responses, so metadata routes a producer's requests through the proxy.
    static func brokerBehindProxy(dropping: Int, topic: String) throws -> (BrokerProcess, FrameDroppingProxy) {
        let port = ProducerTestSupport.freePort()
        let proxy = try FrameDroppingProxy(targetPort: port, dropProduceResponses: dropping)
        do {
            let broker = try BrokerProcess(overrides: [
                "listeners=PLAINTEXT://127.0.0.1:\(port)", "advertised.listeners=PLAINTEXT://127.0.0.1:\(proxy.port)"])
            #expect(try CLI.run(["topics", "create", topic, "--bootstrap-server", broker.bootstrap]).status == 0)
            return (broker, proxy)
        } catch {
            proxy.close()
            throw error
        }
    }

    @Test func lostResponseIsRetriedAndDeduplicated() async throws {
        let (broker, proxy) = try Self.brokerBehindProxy(dropping: 1, topic: "idem")
        defer { proxy.close(); broker.kill9(); broker.removeData() }
        let producer = try Producer(config: [
            "bootstrap.servers": "127.0.0.1:\(proxy.port)", "acks": "all", "linger.ms": "1",
            "request.timeout.ms": "1000", "delivery.timeout.ms": "30000", "retry.backoff.ms": "50",
        ])
        let lines = (0..<20).map { "once-\($0)" }
        for line in lines { _ = try await producer.send(ProducerRecord(topic: "idem", value: Array(line.utf8))) }
        await producer.close()
        #expect(proxy.dropped == 1)
        #expect(try Self.consumeValues(topic: "idem", broker: broker, expected: lines.count) == lines)
        #expect((try Self.brokerMetric("sluice_broker_duplicate_batches_total{topic=\"idem\"}", broker: broker) ?? 0) >= 1)
    }

    @Test func batchesTooLargeForTheTopicAreSplitAndEveryRecordLandsOnceInOrder() async throws {
        // batch.size 16 KiB against a topic whose max.message.bytes is 2 KiB: each 16 KiB batch is refused with
        // MESSAGE_TOO_LARGE and halved until the halves fit, with idempotence on (sequences reused by the halves).
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run([
            "topics", "create", "small", "--config", "max.message.bytes=2048", "--bootstrap-server", broker.bootstrap,
        ]).status == 0)
        let producer = try Producer(config: [
            "bootstrap.servers": broker.bootstrap, "acks": "all", "linger.ms": "200", "batch.size": "16384",
        ])
        let lines = (0..<60).map { "record-\($0)-" + String(repeating: "x", count: 180) }
        let offsets = OffsetLog()
        for line in lines {
            try await producer.send(ProducerRecord(topic: "small", value: Array(line.utf8))) { result in
                offsets.add(result)
            }
        }
        await producer.flush()
        #expect(offsets.failures.isEmpty, "\(offsets.failures)")
        #expect(offsets.offsets == Array(0..<Int64(lines.count)), "acknowledged offsets in send order")
        await producer.close()
        #expect(try Self.consumeValues(topic: "small", broker: broker, expected: lines.count) == lines)
    }

    /// Completions' offsets in arrival order, and failures.
    final class OffsetLog: Sendable {
        private let state = Mutex<(offsets: [Int64], failures: [String])>(([], []))
        func add(_ result: Result<RecordMetadata, ProducerError>) {
            state.withLock { state in
                switch result {
                case .success(let metadata): state.offsets.append(metadata.offset)
                case .failure(let error): state.failures.append("\(error)")
                }
            }
        }
        var offsets: [Int64] { state.withLock { $0.offsets } }
        var failures: [String] { state.withLock { $0.failures } }
    }

    @Test func aBatchThatTimesOutResetsTheProducerIdAndLaterRecordsStillGoThrough() async throws {
        // Every produce response is dropped until the first record's delivery.timeout.ms passes: its batch fails
        // for good although the broker may have it, which breaks the idempotent sequence. The producer then takes
        // a new producer id and restarts its sequences, so the next records are delivered (before, every later
        // record of the partition failed until the producer was recreated).
        let (broker, proxy) = try Self.brokerBehindProxy(dropping: Int.max, topic: "reset")
        defer { proxy.close(); broker.kill9(); broker.removeData() }
        let producer = try Producer(config: [
            "bootstrap.servers": "127.0.0.1:\(proxy.port)", "acks": "all", "linger.ms": "0",
            "request.timeout.ms": "300", "delivery.timeout.ms": "1000", "retry.backoff.ms": "50",
        ])
        let error = await #expect(throws: ProducerError.self) {
            _ = try await producer.send(ProducerRecord(topic: "reset", value: Array("lost-ack".utf8)))
        }
        if case .deliveryTimeout(ms: 1_000, let lastError) = error {
            // The answers were dropped: the last error is the request's own timeout.
            #expect(lastError?.contains("REQUEST_TIMED_OUT") == true, "\(String(describing: lastError))")
        } else {
            Issue.record("expected a delivery timeout, got \(String(describing: error))")
        }
        #expect(proxy.dropped >= 1)
        proxy.stopDropping()
        for line in ["after-1", "after-2"] {
            let metadata = try await producer.send(ProducerRecord(topic: "reset", value: Array(line.utf8)))
            #expect(metadata.offset >= 0)
        }
        await producer.close()
        let values = try Self.consumeValues(topic: "reset", broker: broker, expected: 3)
        #expect(Array(values.suffix(2)) == ["after-1", "after-2"], "\(values)")
    }

    @Test func retryAfterBrokerRestartIsStillDeduplicated() async throws {
        let port = ProducerTestSupport.freePort()
        let proxy = try FrameDroppingProxy(targetPort: port, dropProduceResponses: 1)
        defer { proxy.close() }
        let listeners = ["listeners=PLAINTEXT://127.0.0.1:\(port)", "advertised.listeners=PLAINTEXT://127.0.0.1:\(proxy.port)"]
        let first = try BrokerProcess(overrides: listeners)
        defer { first.kill9(); first.removeData() }
        #expect(try CLI.run(["topics", "create", "restart", "--bootstrap-server", first.bootstrap]).status == 0)
        let producer = try Producer(config: [
            "bootstrap.servers": "127.0.0.1:\(proxy.port)", "acks": "all", "linger.ms": "1",
            "request.timeout.ms": "1500", "delivery.timeout.ms": "60000", "retry.backoff.ms": "100",
        ])
        let pending = Task { try await producer.send(ProducerRecord(topic: "restart", value: Array("exactly-once".utf8))) }
        // The broker appended the batch and answered; the proxy swallowed the answer. Restart the broker.
        #expect(ProducerTestSupport.eventually { proxy.dropped == 1 })
        #expect(first.stop() == 0)
        let second = try BrokerProcess(dataDir: first.dataDir, overrides: listeners)
        defer { second.kill9() }
        let metadata = try await pending.value
        #expect(metadata.offset == 0, "the retry must get the original offset")
        await producer.close()
        #expect(try Self.consumeValues(topic: "restart", broker: second, expected: 1) == ["exactly-once"])
        #expect((try Self.brokerMetric("sluice_broker_duplicate_batches_total{topic=\"restart\"}", broker: second) ?? 0) == 1)
    }

    /// A producer id and epoch from the broker behind `socket` (InitProducerId, correlation id 1).
    static func initProducerId(_ socket: RawSocket) throws -> InitProducerIdResponse {
        socket.send(BadInputTests.encode(Request(correlationId: 1, body: .initProducerId(InitProducerIdRequest()))))
        let reply = try WireCodec.decodeResponse(ByteBuffer(bytes: try #require(socket.readFrame())))
        guard case .initProducerId(let ids) = reply.body else {
            throw BrokerProcessError("no InitProducerId answer: \(reply.body)")
        }
        return ids
    }

    @Test func forgedSequenceGapIsRefusedAsOutOfOrder() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "gap", "--bootstrap-server", broker.bootstrap]).status == 0)
        let socket = try RawSocket(port: broker.nativePort)
        let ids = try Self.initProducerId(socket)
        #expect(ids.errorCode == .none)
        func batch(sequence: Int32) -> ByteBuffer {
            var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
            builder.producerId = ids.producerId
            builder.producerEpoch = ids.producerEpoch
            builder.baseSequence = sequence
            builder.append(key: nil as [UInt8]?, value: Array("s\(sequence)".utf8), timestamp: 1_700_000_000_000)
            return builder.finish()
        }
        func produce(_ records: ByteBuffer, correlationId: Int32) throws -> ErrorCode? {
            socket.send(BadInputTests.encode(Request(correlationId: correlationId, body: .produce(ProduceRequest(
                acks: -1, timeoutMs: 5000,
                topics: [ProduceTopicData(name: "gap", partitions: [ProducePartitionData(partition: 0, records: records)])])))))
            let reply = try WireCodec.decodeResponse(ByteBuffer(bytes: try #require(socket.readFrame())))
            guard case .produce(let produce) = reply.body else { return nil }
            return produce.topics.first?.partitions.first?.errorCode
        }
        #expect(try produce(batch(sequence: 0), correlationId: 2) == ErrorCode.none)
        #expect(try produce(batch(sequence: 5), correlationId: 3) == .outOfOrderSequenceNumber)
        #expect(try produce(batch(sequence: 1), correlationId: 4) == ErrorCode.none)
        #expect((try Self.brokerMetric("sluice_broker_out_of_order_sequence_total{topic=\"gap\"}", broker: broker) ?? 0) == 1)
    }

    @Test func producerIdExpirationMsIsTheBrokersSetting() throws {
        // With producer.id.expiration.ms=1000 the broker forgets an idle producer within a maintenance pass
        // or two, so resending its first batch appends it again; with the one-day default it would stay a
        // duplicate (answered with offset 0) for the whole deadline below.
        let broker = try BrokerProcess(overrides: ["producer.id.expiration.ms=1000"])
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "expiry", "--bootstrap-server", broker.bootstrap]).status == 0)
        let socket = try RawSocket(port: broker.nativePort)
        let ids = try Self.initProducerId(socket)
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        var builder = RecordBatchBuilder(firstTimestamp: nowMs)
        builder.producerId = ids.producerId
        builder.producerEpoch = ids.producerEpoch
        builder.baseSequence = 0
        builder.append(key: nil as [UInt8]?, value: Array("first".utf8), timestamp: nowMs)
        let batch = builder.finish()
        var correlationId: Int32 = 1
        func produce() throws -> ProducePartitionResponse? {
            correlationId += 1
            socket.send(BadInputTests.encode(Request(correlationId: correlationId, body: .produce(ProduceRequest(
                acks: -1, timeoutMs: 5000,
                topics: [ProduceTopicData(name: "expiry", partitions: [ProducePartitionData(partition: 0, records: batch)])])))))
            let reply = try WireCodec.decodeResponse(ByteBuffer(bytes: try #require(socket.readFrame())))
            guard case .produce(let produce) = reply.body else { return nil }
            return produce.topics.first?.partitions.first
        }
        #expect(try produce()?.baseOffset == 0)
        // Bounded: 15 s of resends, 100 ms apart; each is a duplicate until the producer expires.
        let deadline = Date().addingTimeInterval(15)
        var answer = try produce()
        while answer?.baseOffset == 0, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            answer = try produce()
        }
        #expect(answer?.errorCode == ErrorCode.none)
        #expect(answer?.baseOffset == 1, "the expired producer's batch is appended again")
    }
}
