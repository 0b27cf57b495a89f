import Foundation
import SluiceObservability
import SluiceWire
import Synchronization
import Testing

@testable import SluiceProducer

/// Producer against a broker that is already running, for manual checks: set `SLUICE_TEST_BOOTSTRAP=host:port`
/// and create topics `T` (1 partition) and `P4` (4 partitions). Skipped otherwise; the lead's
/// SluiceIntegrationTests start their own brokers.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SLUICE_TEST_BOOTSTRAP"] != nil))
struct ProducerLiveBrokerTests {
    static var bootstrap: String { ProcessInfo.processInfo.environment["SLUICE_TEST_BOOTSTRAP"] ?? "" }

    static func producer(_ extra: [String: String] = [:]) throws -> Producer<[UInt8], [UInt8]> {
        var config = ["bootstrap.servers": bootstrap]
        config.merge(extra) { $1 }
        return try Producer(config: config)
    }

    @Test func syncSendsGetConsecutiveOffsets() async throws {
        let producer = try Self.producer(["acks": "all", "linger.ms": "1"])
        var offsets: [Int64] = []
        for index in 0..<5 {
            offsets.append(try await producer.send(ProducerRecord(topic: "T", value: Array("v\(index)".utf8))).offset)
        }
        await producer.close()
        #expect(offsets == Array(offsets[0]..<(offsets[0] + 5)))
    }

    @Test func floodOfAsyncSendsIsAcknowledgedByFlush() async throws {
        let producer = try Self.producer(["acks": "1", "linger.ms": "5", "batch.size": "16384"])
        let acknowledged = Atomic<Int>(0)
        let value = [UInt8](repeating: 0x61, count: 1_000)
        for _ in 0..<5_000 {
            try await producer.send(ProducerRecord(topic: "P4", value: value)) { result in
                if case .success = result { acknowledged.wrappingAdd(1, ordering: .relaxed) }
            }
        }
        await producer.flush()
        #expect(acknowledged.load(ordering: .relaxed) == 5_000)
        await producer.close()
        let text = producer.metrics.emit()
        #expect(text.contains("sluice_producer_batches_sent_total{reason=\"full\"}"))
    }

    @Test func acksZeroCompletesWithOffsetMinusOne() async throws {
        let producer = try Self.producer(["acks": "0", "linger.ms": "0"])
        let metadata = try await producer.send(ProducerRecord(topic: "T", value: [1]))
        #expect(metadata.offset == -1)
        await producer.close()
    }

    @Test func sendAfterCloseFailsWithClosed() async throws {
        let producer = try Self.producer()
        await producer.close()
        await #expect(throws: ProducerError.closed) {
            try await producer.send(ProducerRecord(topic: "T", value: [1]), completion: nil)
        }
    }

    @Test func unknownTopicFailsAfterMaxBlock() async throws {
        let producer = try Self.producer(["max.block.ms": "300", "retry.backoff.ms": "50"])
        await #expect {
            try await producer.send(ProducerRecord(topic: "no-such-topic", value: [1]), completion: nil)
        } throws: { error in
            guard case .metadataUnavailable = error as? ProducerError else { return false }
            return true
        }
        await producer.close()
    }
}

/// A lost produce response through a response-dropping proxy (`SLUICE_TEST_DROP_PROXY=host:port`, a broker that
/// advertises the proxy, topic `idem`): the producer retries the same bytes and the broker deduplicates.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SLUICE_TEST_DROP_PROXY"] != nil))
struct ProducerLostResponseTests {
    @Test func lostResponseIsRetriedWithTheSameSequence() async throws {
        let proxy = ProcessInfo.processInfo.environment["SLUICE_TEST_DROP_PROXY"] ?? ""
        let producer = try Producer(config: [
            "bootstrap.servers": proxy, "acks": "all", "linger.ms": "1", "request.timeout.ms": "1000",
            "delivery.timeout.ms": "30000", "retry.backoff.ms": "50",
        ])
        var offsets: [Int64] = []
        for index in 0..<20 {
            offsets.append(
                try await producer.send(ProducerRecord(topic: "idem", value: Array("once-\(index)".utf8))).offset)
        }
        await producer.close()
        #expect(offsets == Array(offsets[0]..<(offsets[0] + 20)))
        let text = producer.metrics.emit()
        #expect(text.contains("sluice_producer_record_retries_total{topic=\"idem\"} 1"))
    }
}
