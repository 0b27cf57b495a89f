import Foundation
import NIOCore
import SluiceStorage
import SluiceWire
import Testing

@testable import SluiceBroker
@testable import SluiceObservability

/// Producer-state snapshots with a real `PartitionLog`: written, loaded, rebuilt from the log after them.
@Suite struct ProducerSnapshotTests {
    static let nowMs: Int64 = 1_800_000_000_000

    private func makePartition(_ directory: String, config: LogConfig = LogConfig()) throws -> Partition {
        let topicPartition = TopicPartition(topic: "orders", partition: 0)
        let log = try PartitionLog(
            directory: "\(directory)/orders-0", topic: "orders", partition: 0, config: config, logger: quietLogger)
        return Partition(
            topicPartition: topicPartition, log: log,
            role: .leader(LeaderState(leaderEpoch: 0, replicas: [1], isr: [1], localBrokerId: 1, nowMs: Self.nowMs)),
            localBrokerId: 1, minInsyncReplicas: 1,
            metrics: PartitionMetrics(metrics: BrokerMetrics(version: "test"), topicPartition: topicPartition),
            events: EventEmitter(sink: EventRecorder().sink))
    }

    @discardableResult
    private func append(_ partition: Partition, _ batch: ByteBuffer) throws -> Partition.AppendResult {
        var batch = batch
        return try partition.appendAsLeader(&batch, acks: 1, nowMs: Self.nowMs).result
    }

    /// Epochs and batches per producer (timestamps differ between leader appends and replays by design).
    private func batches(_ partition: Partition) -> [Int64: [ProducerBatchMetadata]] {
        partition.producerEntries.mapValues(\.batches)
    }

    private func snapshotPath(_ directory: String, _ offset: Int64) -> String {
        let digits = String(offset)
        return "\(directory)/orders-0/" + String(repeating: "0", count: 20 - digits.count) + digits + ".snapshot"
    }

    @Test func stateIsRebuiltFromTheSnapshotAndTheBatchesAfterIt() async throws {
        try await withTemporaryDirectory { directory in
            let first = try makePartition(directory)
            _ = try first.loadProducerState()
            for index in 0..<5 { try append(first, idempotentBatch(sequence: Int32(index * 2), count: 2)) }
            try append(first, plainBatch())
            #expect(try first.snapshotProducerState(force: true))
            #expect(FileManager.default.fileExists(atPath: snapshotPath(directory, 11)))
            #expect(try !first.snapshotProducerState(force: true), "nothing new since the last snapshot")
            try append(first, idempotentBatch(sequence: 10))
            try append(first, idempotentBatch(producerId: 7, epoch: 2, sequence: 0, count: 3))
            let before = batches(first)
            try first.close()

            let second = try makePartition(directory)
            let load = try second.loadProducerState()
            #expect(load.snapshotOffset == 11)
            #expect(load.batchesReplayed == 2)
            #expect(load.producerCount == 2)
            #expect(batches(second) == before)
            #expect(try append(second, idempotentBatch(sequence: 4, count: 2)) == .duplicate(firstOffset: 4, lastOffset: 5, batchCount: 1))
            #expect(try append(second, idempotentBatch(producerId: 7, epoch: 2, sequence: 0, count: 3)) == .duplicate(firstOffset: 12, lastOffset: 14, batchCount: 1))
            #expect(second.logEndOffset == 15)
            #expect(try append(second, idempotentBatch(sequence: 11)).firstOffset == 15)
        }
    }

    @Test func snapshotBeyondARecoveredLogEndIsDroppedAndStateRebuiltFromTheLog() async throws {
        try await withTemporaryDirectory { directory in
            let first = try makePartition(directory)
            _ = try first.loadProducerState()
            for index in 0..<3 { try append(first, idempotentBatch(sequence: Int32(index))) }
            let firstBatchBytes = idempotentBatch(sequence: 0).readableBytes
            try first.snapshotProducerState(force: true)
            try first.close()
            // A crash that tore the last two batches: the recovery cuts the log to offset 1.
            try FileManager.default.removeItem(atPath: "\(directory)/orders-0/clean-shutdown")
            let segment = "\(directory)/orders-0/00000000000000000000.log"
            let handle = try #require(FileHandle(forUpdatingAtPath: segment))
            try handle.truncate(atOffset: UInt64(firstBatchBytes + 10))
            try handle.close()

            let second = try makePartition(directory)
            #expect(second.logEndOffset == 1)
            let load = try second.loadProducerState()
            #expect(load.snapshotsBeyondLogEnd == 1)
            #expect(load.snapshotOffset == nil)
            #expect(load.batchesReplayed == 1)
            #expect(!FileManager.default.fileExists(atPath: snapshotPath(directory, 3)))
            #expect(try append(second, idempotentBatch(sequence: 0)) == .duplicate(firstOffset: 0, lastOffset: 0, batchCount: 1))
            #expect(try append(second, idempotentBatch(sequence: 1)).firstOffset == 1, "the lost batch is appended anew")
        }
    }

    @Test func unreadableSnapshotIsIgnoredAndTheLogReplayedInstead() async throws {
        try await withTemporaryDirectory { directory in
            let first = try makePartition(directory)
            _ = try first.loadProducerState()
            for index in 0..<4 { try append(first, idempotentBatch(sequence: Int32(index))) }
            try first.snapshotProducerState(force: true)
            let before = batches(first)
            try first.close()
            let path = snapshotPath(directory, 4)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[bytes.count - 3] ^= 0xff
            try bytes.write(to: URL(fileURLWithPath: path))

            let second = try makePartition(directory)
            let load = try second.loadProducerState()
            #expect(load.snapshotsUnreadable == 1)
            #expect(load.snapshotOffset == nil)
            #expect(load.batchesReplayed == 4)
            #expect(batches(second) == before)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func maintenanceSnapshotsAfterARollAndKeepsTheNewestThree() async throws {
        try await withTemporaryDirectory { directory in
            let batchBytes = idempotentBatch(sequence: 0).readableBytes
            // Slack for the one byte longer values of two-digit sequences: still two batches per segment.
            let partition = try makePartition(directory, config: LogConfig(segmentBytes: batchBytes * 2 + 4))
            _ = try partition.loadProducerState()
            try append(partition, idempotentBatch(sequence: 0))
            #expect(try !partition.snapshotProducerState(force: false), "no roll, no flush: no snapshot")
            #expect(try partition.snapshotProducerState(force: false, flushed: true))
            var written: [Int64] = [1]
            for sequence in 1..<12 {
                try append(partition, idempotentBatch(sequence: Int32(sequence)))
                if try partition.snapshotProducerState(force: false) { written.append(partition.logEndOffset) }
            }
            #expect(partition.segmentCount == 6)
            #expect(written == [1, 3, 5, 7, 9, 11])
            #expect(try partition.producerSnapshotOffsets() == [7, 9, 11])
        }
    }

    @Test func followerTruncationRebuildsStateFromWhatIsLeft() async throws {
        try await withTemporaryDirectory { directory in
            let partition = try makePartition(directory)
            _ = try partition.loadProducerState()
            for index in 0..<3 { try append(partition, idempotentBatch(sequence: Int32(index))) }
            try partition.snapshotProducerState(force: true)
            try append(partition, idempotentBatch(sequence: 3))
            #expect(try partition.followerTruncate(to: 2) == 2)
            #expect(try partition.producerSnapshotOffsets() == [])
            #expect(partition.producerEntries[1_000]?.lastSequence == 1)
            var fetched = idempotentBatch(sequence: 2)
            fetched.withUnsafeMutableReadableBytes { RecordBatchHeader.stamp(baseOffset: 2, leaderEpoch: 0, into: $0) }
            _ = try partition.followerAppend(fetched)
            #expect(partition.producerEntries[1_000]?.batches.last?.firstOffset == 2)
            #expect(try partition.followerTruncateFully(startingAt: 50) == 3)
            #expect(partition.producerEntries.isEmpty)
        }
    }
}
