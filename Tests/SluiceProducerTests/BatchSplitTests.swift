import SluiceClient
import SluiceWire
import Testing

@testable import SluiceProducer

/// MESSAGE_TOO_LARGE for a batch of several records: the batch is split in two, in order, with its
/// sequences, completions and send times (Kafka's `splitAndReenqueue`); a single record fails.
@Suite struct BatchSplitTests {
    static let identity = ProducerIdentity(producerId: 42, producerEpoch: 1)

    /// Records with null, empty and non-empty keys and values, and timestamps before and after the first.
    static let records: [(key: [UInt8]?, value: [UInt8]?, timestamp: Int64)] = [
        (nil, [1, 2, 3], 1_700_000_000_000),
        ([], nil, 1_700_000_000_005),
        ([7], [], 1_699_999_999_000),
        ([8, 9], [4, 5], 1_700_000_000_002),
        (nil, nil, 1_700_000_000_010),
    ]

    /// The records appended to one batch of partition 0 (every second one with a completion), drained once.
    static func drainedBatch(_ accumulator: RecordAccumulator) -> ProducerBatch {
        for (index, record) in records.enumerated() {
            var callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
            if index % 2 == 0 { callback = { _ in } }
            AccumulatorTestSupport.append(
                accumulator, key: record.key, value: record.value, timestamp: record.timestamp,
                nowMs: Int64(index), callback: callback)
        }
        _ = accumulator.state.withLock { $0.queues.values.first!.sealOpenBatch() }
        let drained = accumulator.drain(node: 1, nowNanos: 10_000_000, identity: Self.identity)
        precondition(drained.count == 1, "one batch")
        return drained[0]
    }

    @Test func splitHalvesKeepTheRecordsInOrderWithTheirTimestampsAndSendTimes() throws {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(batchSizeBytes: 4_096))
        let batch = Self.drainedBatch(accumulator)
        let (first, second) = try #require(batch.split())
        #expect(first.recordCount == 2)
        #expect(second.recordCount == 3)
        #expect(first.sendOffsetsMicros + second.sendOffsetsMicros == batch.sendOffsetsMicros)
        #expect(first.completions.map { $0.offsetDelta } == [0])
        #expect(second.completions.map { $0.offsetDelta } == [0, 2], "offset deltas restart in each half")
        var halves = [first, second]
        for index in halves.indices { halves[index].finish(producerId: 1, producerEpoch: 0, baseSequence: -1) }
        let decoded = try halves.flatMap { try AccumulatorTestSupport.records(of: $0) }
        #expect(decoded.map { $0.key } == Self.records.map { $0.key })
        #expect(decoded.map { $0.value } == Self.records.map { $0.value })
        #expect(decoded.map { $0.timestamp } == Self.records.map { $0.timestamp })
        #expect(decoded.map { $0.offset } == [0, 1, 0, 1, 2])
        #expect(first.allocatedBytes == 0 && second.allocatedBytes == 0, "split batches live off the pool")
    }

    @Test func tooLargeSplitsASequencedBatchAndSendsBothHalvesWithItsSequences() throws {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(batchSizeBytes: 4_096))
        let batch = Self.drainedBatch(accumulator)
        #expect(batch.baseSequence == 0)
        let (decision, original) = accumulator.resolve(
            batch, errorCode: .messageTooLarge, message: "too big", nowNanos: 20_000_000, retries: 5)
        #expect(decision == .split)
        accumulator.releaseSplit(try #require(original))
        #expect(accumulator.state.withLock { $0.incompleteBatches } == 2)
        // The halves are sent in order, one at a time (retries of a sequenced partition), with sequences 0 and 2,
        // without a retry backoff (the monotonic clock is past retry.backoff.ms, 100 ms here).
        let firstSend = accumulator.drain(node: 1, nowNanos: 300_000_000, identity: Self.identity)
        #expect(firstSend.map(\.baseSequence) == [0])
        #expect(firstSend.map(\.recordCount) == [2])
        #expect(accumulator.drain(node: 1, nowNanos: 310_000_000, identity: Self.identity).isEmpty)
        let (acknowledged, done) = accumulator.resolve(
            firstSend[0], errorCode: .none, message: "", nowNanos: 320_000_000, retries: 5)
        #expect(acknowledged == .acknowledge)
        accumulator.retire(try #require(done))
        let secondSend = accumulator.drain(node: 1, nowNanos: 330_000_000, identity: Self.identity)
        #expect(secondSend.map(\.baseSequence) == [2])
        #expect(secondSend.map(\.recordCount) == [3])
        let header = try secondSend[0].buffer.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
        #expect(header.producerId == 42 && header.baseSequence == 2 && header.recordCount == 3)
        #expect(accumulator.state.withLock { $0.queues.values.first!.nextSequence } == 5, "no sequence was used twice")
    }

    @Test func aSingleRecordTooLargeFails() {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(batchSizeBytes: 4_096))
        AccumulatorTestSupport.append(accumulator, value: [1])
        _ = accumulator.state.withLock { $0.queues.values.first!.sealOpenBatch() }
        let batch = accumulator.drain(node: 1, nowNanos: 0, identity: nil)[0]
        let (decision, failed) = accumulator.resolve(
            batch, errorCode: .messageTooLarge, message: "too big", nowNanos: 0, retries: 5)
        guard case .fail(.broker(.messageTooLarge, _), _, _) = decision else {
            Issue.record("expected MESSAGE_TOO_LARGE to fail a single record, got \(decision)")
            return
        }
        #expect(failed != nil)
    }
}
