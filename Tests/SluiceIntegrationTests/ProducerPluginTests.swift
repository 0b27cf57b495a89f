import Foundation
import SluiceProducer
import Testing

/// Custom serializers, partitioner and interceptors plug into a real producer talking to a real broker.
@Suite(.serialized)
struct ProducerPluginTests {
    /// Sends everything to the last partition.
    struct LastPartition: Partitioner {
        func partition(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, partitionCount: Int32) -> Int32? {
            partitionCount - 1
        }
    }

    /// Upper-cases values on send and counts acknowledgements and failures.
    final class ShoutingInterceptor: ProducerInterceptor, @unchecked Sendable {
        private let lock = NSLock()
        private var acknowledged = 0
        private var failed = 0
        func onSend(_ record: ProducerRecord<String, String>) -> ProducerRecord<String, String> {
            var changed = record
            changed.value = record.value?.uppercased()
            return changed
        }
        func onAcknowledgement(_ result: Result<RecordMetadata, ProducerError>) {
            lock.withLock { if case .success = result { acknowledged += 1 } else { failed += 1 } }
        }
        var counts: (acknowledged: Int, failed: Int) { lock.withLock { (acknowledged, failed) } }
    }

    @Test func stringSerializersCustomPartitionerAndInterceptorShapeWhatIsStored() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "plugins", "--partitions", "3", "--bootstrap-server", broker.bootstrap]).status == 0)
        let interceptor = ShoutingInterceptor()
        let producer = try Producer<String, String>(
            config: ["bootstrap.servers": broker.bootstrap, "linger.ms": "2"],
            keySerializer: StringSerializer(), valueSerializer: StringSerializer(),
            partitioner: LastPartition(), interceptors: [interceptor])
        for index in 0..<5 {
            let metadata = try await producer.send(ProducerRecord(topic: "plugins", key: "k\(index)", value: "value \(index)"))
            #expect(metadata.partition == 2)
            #expect(metadata.offset == Int64(index))
        }
        await producer.close()
        #expect(interceptor.counts.acknowledged == 5)
        #expect(interceptor.counts.failed == 0)
        let consumed = try CLI.run(["consume", "--topic", "plugins", "--partition", "2", "--offset", "0", "--print-key",
                                    "--max-messages", "5", "--timeout-ms", "5000", "--bootstrap-server", broker.bootstrap])
        #expect(consumed.stdoutText == (0..<5).map { "k\($0)\tVALUE \($0)\n" }.joined())
    }

    @Test func sendAfterCloseFailsWithClosed() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "closing", "--bootstrap-server", broker.bootstrap]).status == 0)
        let producer = try Producer(config: ["bootstrap.servers": broker.bootstrap])
        _ = try await producer.send(ProducerRecord(topic: "closing", value: [1]))
        await producer.close()
        await #expect(throws: ProducerError.closed) {
            _ = try await producer.send(ProducerRecord(topic: "closing", value: [2]))
        }
    }

    @Test func acksZeroCompletesWithOffsetMinusOneAndTheRecordLands() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "fire", "--bootstrap-server", broker.bootstrap]).status == 0)
        let producer = try Producer(config: ["bootstrap.servers": broker.bootstrap, "acks": "0", "linger.ms": "0"])
        let metadata = try await producer.send(ProducerRecord(topic: "fire", value: Array("forget".utf8)))
        #expect(metadata.offset == -1)
        await producer.close()
        let consumed = try CLI.run(["consume", "--topic", "fire", "--from-beginning", "--max-messages", "1",
                                    "--timeout-ms", "5000", "--bootstrap-server", broker.bootstrap])
        #expect(consumed.stdoutText == "forget\n")
    }

    @Test func unknownTopicFailsAfterMaxBlockMs() async throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        let producer = try Producer(config: [
            "bootstrap.servers": broker.bootstrap, "max.block.ms": "300", "retry.backoff.ms": "50"])
        let started = ContinuousClock.now
        await #expect {
            try await producer.send(ProducerRecord(topic: "no-such-topic", value: [1]), completion: nil)
        } throws: { error in
            guard case .metadataUnavailable = error as? ProducerError else { return false }
            return true
        }
        #expect(started.duration(to: .now) >= .milliseconds(300))
        await producer.close()
    }
}
