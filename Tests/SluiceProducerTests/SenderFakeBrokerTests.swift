import SluiceObservability
import SluiceWire
import Synchronization
import Testing

@testable import SluiceProducer

/// The whole producer (accumulator, sender loop, connections, answers) against a scripted broker.
@Suite(.serialized) struct SenderFakeBrokerTests {
    static func producer(_ broker: FakeBroker, _ extra: [String: String] = [:]) throws -> Producer<[UInt8], [UInt8]> {
        var config = ["bootstrap.servers": broker.bootstrap, "linger.ms": "0", "retry.backoff.ms": "10"]
        config.merge(extra) { $1 }
        return try Producer(config: config)
    }

    static func value(_ metrics: ProducerMetrics, _ series: String) -> Double? {
        for line in metrics.emit().split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func idempotentBatchesCarryTheProducerIdAndConsecutiveSequences() async throws {
        let broker = try await FakeBroker.start()
        let producer = try Self.producer(broker)
        for index in 0..<3 {
            let metadata = try await producer.send(ProducerRecord(topic: "t", value: [UInt8(index)]))
            #expect(metadata.offset == Int64(index))
        }
        await producer.close()
        await broker.close()
        let headers = broker.script.withLock { $0.batches.map(\.header) }
        #expect(headers.map(\.producerId) == [7, 7, 7])
        #expect(headers.map(\.baseSequence) == [0, 1, 2])
    }

    @Test func unsupportedInitProducerIdFallsBackToPlainBatches() async throws {
        var script = FakeBroker.Script()
        script.supportsInitProducerId = false
        let broker = try await FakeBroker.start(script: script)
        let producer = try Self.producer(broker)
        let metadata = try await producer.send(ProducerRecord(topic: "t", value: [1]))
        await producer.close()
        await broker.close()
        #expect(metadata.offset == 0)
        let headers = broker.script.withLock { $0.batches.map(\.header) }
        #expect(headers.map(\.producerId) == [-1])
        #expect(headers.map(\.baseSequence) == [-1])
    }

    @Test func notLeaderIsRetriedAfterAMetadataRefresh() async throws {
        var script = FakeBroker.Script()
        script.produceErrors = [.notLeaderOrFollower]
        let broker = try await FakeBroker.start(script: script)
        let producer = try Self.producer(broker)
        let metadata = try await producer.send(ProducerRecord(topic: "t", value: [1, 2]))
        await producer.close()
        await broker.close()
        #expect(metadata.offset == 0)
        let (requests, metadataRequests) = broker.script.withLock { ($0.produceRequests, $0.metadataRequests) }
        #expect(requests == 2)
        #expect(metadataRequests >= 2, "NOT_LEADER_OR_FOLLOWER refreshes metadata")
        #expect(Self.value(producer.metrics, "sluice_producer_record_retries_total{topic=\"t\"}") == 1)
        #expect(Self.value(producer.metrics, "sluice_producer_records_sent_total{topic=\"t\"}") == 1)
    }

    @Test func lostAnswerIsRetriedWithTheSameBytesAndDeduplicated() async throws {
        var script = FakeBroker.Script()
        script.answersToDrop = 1
        let broker = try await FakeBroker.start(script: script)
        let producer = try Self.producer(broker, ["request.timeout.ms": "200", "delivery.timeout.ms": "10000"])
        let metadata = try await producer.send(ProducerRecord(topic: "t", value: Array("once".utf8)))
        let next = try await producer.send(ProducerRecord(topic: "t", value: Array("twice".utf8)))
        await producer.close()
        await broker.close()
        #expect(metadata.offset == 0, "the retry gets the original offset")
        #expect(next.offset == 1)
        let (batches, appended) = broker.script.withLock { ($0.batches.map(\.header), $0.appendedRecords) }
        #expect(batches.map(\.baseSequence) == [0, 0, 1])
        #expect(batches[0].crc == batches[1].crc, "a retry sends the same bytes")
        #expect(appended == 2)
    }

    @Test func droppedConnectionIsReopenedAndTheBatchRetried() async throws {
        var script = FakeBroker.Script()
        script.connectionsToClose = 1
        let broker = try await FakeBroker.start()
        broker.script.withLock { $0 = script }
        let producer = try Self.producer(broker)
        let first = try await producer.send(ProducerRecord(topic: "t", value: [1]))
        let second = try await producer.send(ProducerRecord(topic: "t", value: [2]))
        await producer.close()
        await broker.close()
        #expect([first.offset, second.offset] == [0, 1], "the retry was recognised as a duplicate")
        #expect(broker.script.withLock { $0.appendedRecords } == 2)
        #expect(Self.value(producer.metrics, "sluice_producer_record_retries_total{topic=\"t\"}") == 1)
    }

    @Test func nonRetriableErrorFailsTheRecord() async throws {
        var script = FakeBroker.Script()
        script.produceErrors = [.invalidRequiredAcks]
        let broker = try await FakeBroker.start(script: script)
        let producer = try Self.producer(broker)
        await #expect {
            _ = try await producer.send(ProducerRecord(topic: "t", value: [1]))
        } throws: { error in
            guard case .broker(.invalidRequiredAcks, _) = error as? ProducerError else { return false }
            return true
        }
        // The refused batch's sequence is reused: the next record still goes through.
        let metadata = try await producer.send(ProducerRecord(topic: "t", value: [2]))
        await producer.close()
        await broker.close()
        #expect(metadata.offset == 0)
        #expect(broker.script.withLock { $0.batches.map(\.header.baseSequence) } == [0, 0])
        #expect(
            Self.value(
                producer.metrics, "sluice_producer_record_errors_total{topic=\"t\",error=\"INVALID_REQUIRED_ACKS\"}")
                == 1)
    }

    @Test func retriableErrorsStopAtDeliveryTimeout() async throws {
        var script = FakeBroker.Script()
        script.produceErrors = Array(repeating: .notEnoughReplicas, count: 10_000)
        let broker = try await FakeBroker.start(script: script)
        let producer = try Self.producer(
            broker, ["request.timeout.ms": "100", "delivery.timeout.ms": "300", "retry.backoff.ms": "20"])
        let started = ContinuousClock.now
        // The timeout keeps the broker's last answer: why the record was never acknowledged.
        let error = await #expect(throws: ProducerError.self) {
            _ = try await producer.send(ProducerRecord(topic: "t", value: [1]))
        }
        if case .deliveryTimeout(ms: 300, let lastError?) = error {
            #expect(lastError.hasPrefix("NOT_ENOUGH_REPLICAS"), "\(lastError)")
        } else {
            Issue.record("expected a delivery timeout with a last error, got \(String(describing: error))")
        }
        #expect(started.duration(to: .now) >= .milliseconds(300))
        await producer.close()
        await broker.close()
    }

    @Test func acksZeroCompletesOnWriteWithOffsetMinusOne() async throws {
        let broker = try await FakeBroker.start()
        let producer = try Self.producer(broker, ["acks": "0"])
        let metadata = try await producer.send(ProducerRecord(topic: "t", value: [1]))
        await producer.close()
        await broker.close()
        #expect(metadata.offset == -1)
        #expect(broker.script.withLock { $0.appendedRecords } == 1)
    }

    @Test func closeFailsWhatItCouldNotDeliverWithinItsTimeout() async throws {
        var script = FakeBroker.Script()
        script.isFrozen = true
        let broker = try await FakeBroker.start(script: script)
        let producer = try Self.producer(broker)
        let outcome = OutcomeLog()
        for index in 0..<5 {
            try await producer.send(ProducerRecord(topic: "t", value: [UInt8(index)])) { result in
                outcome.record(result)
            }
        }
        let started = ContinuousClock.now
        await producer.close(timeout: .milliseconds(200))
        #expect(started.duration(to: .now) >= .milliseconds(200))
        #expect(outcome.results == Array(repeating: "PRODUCER_CLOSED", count: 5))
        await #expect(throws: ProducerError.closed) {
            try await producer.send(ProducerRecord(topic: "t", value: [1]), completion: nil)
        }
        await broker.close()
        #expect(Self.value(producer.metrics, "sluice_producer_in_flight_requests{broker=\"1\"}") == 0)
    }

    @Test func flushWaitsForEveryRecordSentBeforeIt() async throws {
        let broker = try await FakeBroker.start(partitions: 3)
        let producer = try Self.producer(broker, ["linger.ms": "60000", "acks": "1"])
        let outcome = OutcomeLog()
        for index in 0..<300 {
            try await producer.send(ProducerRecord(topic: "t", key: [UInt8(index % 7)], value: [UInt8(index % 256)])) {
                result in outcome.record(result)
            }
        }
        await producer.flush()
        #expect(outcome.results.count == 300)
        #expect(Set(outcome.results) == ["ok"])
        await producer.close()
        await broker.close()
        #expect(Self.value(producer.metrics, "sluice_producer_batches_sent_total{reason=\"flush\"}") ?? 0 >= 1)
        #expect(Self.value(producer.metrics, "sluice_producer_batches_sent_total{reason=\"linger\"}") == 0)
    }
}

/// Outcomes of completion callbacks, in arrival order ("ok" or the error's metric label).
final class OutcomeLog: Sendable {
    private let entries = Mutex<[String]>([])

    func record(_ result: Result<RecordMetadata, ProducerError>) {
        let entry: String
        switch result {
        case .success: entry = "ok"
        case .failure(let error): entry = error.metricLabel
        }
        entries.withLock { $0.append(entry) }
    }

    var results: [String] { entries.withLock { $0 } }
}
