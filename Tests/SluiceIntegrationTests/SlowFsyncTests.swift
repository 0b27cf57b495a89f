import Foundation
import NIOCore
import SluiceWire
import Testing

/// fsyncs run on the broker's I/O pool, not on the produce request's task: with every flush's fsync made
/// slow, acks=1 produce requests keep being answered while one is in progress, and the flush completes
/// (metric and recovery point) afterwards.
///
/// How the fsync is slowed: `SLUICED_TEST_FSYNC_DELAY_MS`, a test-only hook in the storage layer that
/// sleeps before each segment fsync of a flush or roll (device-mapper `delay` and FUSE are not available on
/// the machines that run the tests: no `/dev/mapper/control`).
@Suite struct SlowFsyncTests {
    static let delayMs = 4_000

    @Test func produceIsAnsweredWhileAFlushFsyncIsInProgress() throws {
        let broker = try BrokerProcess(
            overrides: ["log.flush.interval.messages=1"],
            environment: ["SLUICED_TEST_FSYNC_DELAY_MS": "\(Self.delayMs)"])
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "slow", "--bootstrap-server", broker.bootstrap]).status == 0)
        let socket = try RawSocket(port: broker.nativePort)
        func produce(correlationId: Int32) throws -> ErrorCode? {
            var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
            builder.append(key: nil as [UInt8]?, value: Array("r\(correlationId)".utf8), timestamp: 1_700_000_000_000)
            socket.send(BadInputTests.encode(Request(correlationId: correlationId, body: .produce(ProduceRequest(
                acks: 1, timeoutMs: 30_000,
                topics: [ProduceTopicData(name: "slow", partitions: [
                    ProducePartitionData(partition: 0, records: builder.finish()),
                ])])))))
            let reply = try WireCodec.decodeResponse(ByteBuffer(bytes: try #require(socket.readFrame())))
            guard case .produce(let produce) = reply.body else { return nil }
            return produce.topics.first?.partitions.first?.errorCode
        }
        #expect(try produce(correlationId: 1) == ErrorCode.none)
        // The first append's flush is now sleeping in its fsync on the I/O pool.
        #expect(ProducerTestSupport.eventually(timeout: .seconds(30)) {
            broker.stderr.contains("SLUICED_TEST_FSYNC_DELAY_MS=\(Self.delayMs): fsync delayed")
        })
        for correlationId in Int32(2)...21 { #expect(try produce(correlationId: correlationId) == ErrorCode.none) }
        // No flush has completed yet: all 21 answers came while the first fsync was still in progress.
        #expect(try ConfigKeyWalkTests.flushCount(broker) == 0, "answers waited for an fsync")
        #expect(ProducerTestSupport.eventually(timeout: .seconds(60)) {
            (try? ConfigKeyWalkTests.flushCount(broker)) ?? 0 >= 1
        }, "sluice_log_flush_seconds counts the flush once its fsync completed")
        let checkpoint = broker.dataDir + "/logs/slow-0/recovery-point-offset-checkpoint"
        #expect(ProducerTestSupport.eventually(timeout: .seconds(60)) {
            ((try? String(contentsOfFile: checkpoint, encoding: .utf8)) ?? "").contains("slow 0 21\n")
        }, "the recovery point reaches the log end once the fsyncs completed")
    }
}
