import NIOCore
import SluiceWire
import Testing

@testable import SluiceBroker

/// The idempotence state machine on its own: no log, offsets stamped by hand.
@Suite struct ProducerStateManagerTests {
    /// Number of batches in `buffer`.
    private func batchCount(_ buffer: ByteBuffer) -> Int {
        buffer.withUnsafeReadableBytes { bytes in
            var count = 0
            var position = 0
            while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) {
                count += 1
                position += header.totalSize
            }
            return count
        }
    }

    private func check(_ manager: ProducerStateManager, _ buffer: ByteBuffer) -> ProducerStateManager.AppendCheck {
        buffer.withUnsafeReadableBytes { manager.check($0, batchCount: batchCount(buffer)) }
    }

    /// Checks `buffer`; when it is to be appended, stamps offsets from `offset` (as the log would) and records it.
    @discardableResult
    private func checkAndAppend(
        _ manager: inout ProducerStateManager, _ buffer: ByteBuffer, at offset: Int64, nowMs: Int64 = 10
    ) -> ProducerStateManager.AppendCheck {
        let result = check(manager, buffer)
        guard result == .append else { return result }
        var stamped = buffer
        let count = batchCount(buffer)
        stamped.withUnsafeMutableReadableBytes { bytes in
            var position = 0
            var next = offset
            for _ in 0..<count {
                let batch = UnsafeMutableRawBufferPointer(rebasing: bytes[position...])
                RecordBatchHeader.stamp(baseOffset: next, leaderEpoch: 0, into: batch)
                let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(batch))!
                next = header.nextOffset
                position += header.totalSize
            }
        }
        stamped.withUnsafeReadableBytes { manager.recordAppended($0, batchCount: count, timestampMs: nowMs) }
        return result
    }

    private func isOutOfOrder(_ result: ProducerStateManager.AppendCheck) -> Bool {
        guard case .refused(let error) = result else { return false }
        return error.errorCode == .outOfOrderSequenceNumber
    }

    @Test func unknownProducerMustStartAtSequenceZero() {
        var manager = ProducerStateManager()
        #expect(isOutOfOrder(check(manager, idempotentBatch(sequence: 3))))
        #expect(checkAndAppend(&manager, idempotentBatch(sequence: 0, count: 2), at: 0) == .append)
        #expect(manager.entry(for: 1_000)?.lastSequence == 1)
        #expect(manager.entry(for: 1_000)?.batches == [
            ProducerBatchMetadata(firstSequence: 0, lastSequence: 1, firstOffset: 0, lastOffset: 1),
        ])
    }

    @Test func nextSequenceIsAppendedAndAGapIsOutOfOrder() {
        var manager = ProducerStateManager()
        checkAndAppend(&manager, idempotentBatch(sequence: 0, count: 3), at: 0)
        #expect(isOutOfOrder(check(manager, idempotentBatch(sequence: 4))))
        #expect(isOutOfOrder(check(manager, idempotentBatch(sequence: 1))), "an overlapping range is no duplicate")
        #expect(checkAndAppend(&manager, idempotentBatch(sequence: 3), at: 3) == .append)
        #expect(manager.entry(for: 1_000)?.lastSequence == 3)
    }

    @Test func duplicateOfEachOfTheLastFiveBatchesGetsItsOriginalOffsets() {
        var manager = ProducerStateManager()
        for index in 0..<5 {
            checkAndAppend(&manager, idempotentBatch(sequence: Int32(index * 2), count: 2), at: Int64(100 + index * 10))
        }
        for index in 0..<5 {
            let retry = idempotentBatch(sequence: Int32(index * 2), count: 2)
            let first = Int64(100 + index * 10)
            #expect(check(manager, retry) == .duplicate(firstOffset: first, lastOffset: first + 1, batchCount: 1))
        }
    }

    @Test func sixthOldestBatchIsForgottenAndItsRetryIsOutOfOrder() {
        var manager = ProducerStateManager()
        for index in 0..<6 { checkAndAppend(&manager, idempotentBatch(sequence: Int32(index)), at: Int64(index)) }
        #expect(manager.entry(for: 1_000)?.batches.count == ProducerStateEntry.batchesRetained)
        #expect(isOutOfOrder(check(manager, idempotentBatch(sequence: 0))))
        #expect(check(manager, idempotentBatch(sequence: 1)) == .duplicate(firstOffset: 1, lastOffset: 1, batchCount: 1))
    }

    @Test func newerEpochMustStartAtZeroAndForgetsTheOldEpochsBatches() {
        var manager = ProducerStateManager()
        checkAndAppend(&manager, idempotentBatch(epoch: 0, sequence: 0), at: 0)
        checkAndAppend(&manager, idempotentBatch(epoch: 0, sequence: 1), at: 1)
        #expect(isOutOfOrder(check(manager, idempotentBatch(epoch: 1, sequence: 2))))
        #expect(checkAndAppend(&manager, idempotentBatch(epoch: 1, sequence: 0), at: 2) == .append)
        let entry = manager.entry(for: 1_000)
        #expect(entry?.producerEpoch == 1)
        #expect(entry?.batches == [ProducerBatchMetadata(firstSequence: 0, lastSequence: 0, firstOffset: 2, lastOffset: 2)])
        #expect(check(manager, idempotentBatch(epoch: 1, sequence: 0)) == .duplicate(firstOffset: 2, lastOffset: 2, batchCount: 1))
    }

    @Test func olderEpochIsFenced() {
        var manager = ProducerStateManager()
        checkAndAppend(&manager, idempotentBatch(epoch: 3, sequence: 0), at: 0)
        let result = check(manager, idempotentBatch(epoch: 2, sequence: 1))
        #expect(result == .refused(.fencedEpoch(producerId: 1_000, producerEpoch: 2, currentEpoch: 3)))
        guard case .refused(let error) = result else { return }
        #expect(error.errorCode == .invalidProducerEpoch)
        #expect(check(manager, idempotentBatch(epoch: -1, sequence: 0)) == .refused(.negativeEpoch(producerId: 1_000, producerEpoch: -1)))
    }

    @Test func sequenceWrapsFromInt32MaxToZero() {
        #expect(ProducerBatch.sequence(Int32.max, advancedBy: 1) == 0)
        #expect(ProducerBatch.sequence(Int32.max - 1, advancedBy: 3) == 1)
        #expect(ProducerBatch.sequence(7, advancedBy: 2) == 9)
        let spanning = ProducerBatch(producerId: 1, producerEpoch: 0, firstSequence: Int32.max - 1, recordCount: 4)
        #expect(spanning.lastSequence == 1)
        // A producer whose last batch ended at Int32.max continues at 0 (not a new producer's start).
        var entry = ProducerStateEntry(producerId: 1_000, producerEpoch: 0, lastTimestampMs: 0)
        entry.record(
            ProducerBatchMetadata(firstSequence: Int32.max - 2, lastSequence: Int32.max, firstOffset: 0, lastOffset: 2),
            producerEpoch: 0, timestampMs: 0)
        var manager = ProducerStateManager(entries: [1_000: entry])
        #expect(isOutOfOrder(check(manager, idempotentBatch(sequence: 1))))
        #expect(checkAndAppend(&manager, idempotentBatch(sequence: 0, count: 2), at: 3) == .append)
        #expect(manager.entry(for: 1_000)?.lastSequence == 1)
        #expect(checkAndAppend(&manager, idempotentBatch(sequence: 2), at: 5) == .append)
    }

    @Test func severalBatchesOfOneRequestAreCheckedInOrderBeforeAnyIsAppended() {
        var manager = ProducerStateManager()
        let contiguous = concatenate([idempotentBatch(sequence: 0, count: 2), idempotentBatch(sequence: 2)])
        #expect(checkAndAppend(&manager, contiguous, at: 0) == .append)
        #expect(manager.entry(for: 1_000)?.batches.map(\.firstOffset) == [0, 2])
        let gapInSecond = concatenate([idempotentBatch(sequence: 3), idempotentBatch(sequence: 5)])
        #expect(isOutOfOrder(check(manager, gapInSecond)))
        #expect(manager.entry(for: 1_000)?.lastSequence == 2, "a refused request changes nothing")
        #expect(check(manager, contiguous) == .duplicate(firstOffset: 0, lastOffset: 2, batchCount: 2))
        let mixed = concatenate([idempotentBatch(sequence: 2), idempotentBatch(sequence: 3)])
        #expect(isOutOfOrder(check(manager, mixed)), "duplicates mixed with new batches are refused")
        let twoProducers = concatenate([idempotentBatch(producerId: 7, sequence: 0), idempotentBatch(sequence: 3), plainBatch()])
        #expect(checkAndAppend(&manager, twoProducers, at: 3) == .append)
        #expect(manager.entry(for: 7)?.batches.map(\.firstOffset) == [3])
        #expect(manager.entry(for: 1_000)?.batches.map(\.firstOffset) == [0, 2, 4])
    }

    @Test func batchesWithoutProducerIdAreNeverChecked() {
        let manager = ProducerStateManager()
        #expect(check(manager, plainBatch(count: 3)) == .append)
    }

    @Test func idleProducersExpireAfterTheExpirationInterval() {
        var manager = ProducerStateManager()
        checkAndAppend(&manager, idempotentBatch(producerId: 1, sequence: 0), at: 0, nowMs: 1_000)
        checkAndAppend(&manager, idempotentBatch(producerId: 2, sequence: 0), at: 1, nowMs: 5_000)
        #expect(manager.removeExpired(nowMs: 10_999, expirationMs: 10_000) == 0)
        #expect(manager.removeExpired(nowMs: 11_000, expirationMs: 10_000) == 1)
        #expect(manager.entry(for: 1) == nil)
        #expect(manager.entry(for: 2) != nil)
        #expect(isOutOfOrder(check(manager, idempotentBatch(producerId: 1, sequence: 1))), "an expired producer is unknown")
    }

    @Test func snapshotBytesRoundTripAndCorruptionIsRefused() {
        var manager = ProducerStateManager()
        for index in 0..<7 { checkAndAppend(&manager, idempotentBatch(sequence: Int32(index)), at: Int64(index)) }
        checkAndAppend(&manager, idempotentBatch(producerId: 9, epoch: 4, sequence: 0, count: 3), at: 7)
        let bytes = ProducerStateSnapshot.encode(manager.entries)
        #expect(ProducerStateSnapshot.decode(bytes) == manager.entries)
        #expect(ProducerStateSnapshot.encode([:]).count == 10)
        #expect(ProducerStateSnapshot.decode(ProducerStateSnapshot.encode([:])) == [:])
        for position in [0, 3, 9, bytes.count - 1] {
            var corrupt = bytes
            corrupt[position] ^= 0x40
            #expect(ProducerStateSnapshot.decode(corrupt) == nil, "flipped byte \(position) accepted")
        }
        #expect(ProducerStateSnapshot.decode(Array(bytes.dropLast())) == nil)
        #expect(ProducerStateSnapshot.decode([]) == nil)
    }
}
