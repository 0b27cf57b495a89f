import Foundation
import NIOCore
import SluiceStorage
import SluiceWire
import Synchronization
import Testing

@testable import SluiceBroker
@testable import SluiceObservability

/// Produce requests of idempotent producers through `ReplicaManager.produce`, with real logs in a temp dir.
@Suite struct ReplicaManagerIdempotenceTests {
    private func logEndOffset(_ manager: ReplicaManager) throws -> Int64 {
        try #require(manager.partition(TopicPartition(topic: "orders", partition: 0))).logEndOffset
    }

    @Test func duplicateGetsTheOriginalOffsetAndIsNotAppended() async throws {
        try await withTemporaryDirectory { directory in
            let metrics = BrokerMetrics(version: "test")
            let manager = try makeReplicaManager(directory, metrics: metrics)
            #expect(try await produce(manager, plainBatch(count: 3)).baseOffset == 0)
            let original = try await produce(manager, idempotentBatch(sequence: 0, count: 2), acks: -1)
            #expect(original.errorCode == .none)
            #expect(original.baseOffset == 3)
            #expect(try await produce(manager, idempotentBatch(sequence: 2)).baseOffset == 5)
            let retry = try await produce(manager, idempotentBatch(sequence: 0, count: 2), acks: -1)
            #expect(retry.errorCode == .none)
            #expect(retry.baseOffset == 3)
            #expect(try logEndOffset(manager) == 6)
            #expect(metricValue("sluice_broker_duplicate_batches_total{topic=\"orders\"}", in: metrics) == 1)
            #expect(metricValue("sluice_broker_records_in_total{topic=\"orders\"}", in: metrics) == 6)
            manager.shutdown()
        }
    }

    @Test func duplicateIsStillRecognisedAfterACleanRestart() async throws {
        try await withTemporaryDirectory { directory in
            let first = try makeReplicaManager(directory)
            for sequence in 0..<3 { _ = try await produce(first, idempotentBatch(sequence: Int32(sequence))) }
            first.shutdown()
            let metrics = BrokerMetrics(version: "test")
            let second = try makeReplicaManager(directory, metrics: metrics)
            let retry = try await produce(second, idempotentBatch(sequence: 2))
            #expect(retry.errorCode == .none)
            #expect(retry.baseOffset == 2)
            #expect(try logEndOffset(second) == 3)
            #expect(metricValue("sluice_broker_duplicate_batches_total{topic=\"orders\"}", in: metrics) == 1)
            #expect(try await produce(second, idempotentBatch(sequence: 3)).baseOffset == 3)
            second.shutdown()
        }
    }

    @Test func duplicateIsStillRecognisedAfterACrashWithoutASnapshot() async throws {
        try await withTemporaryDirectory { directory in
            let first = try makeReplicaManager(directory)
            for sequence in 0..<3 { _ = try await produce(first, idempotentBatch(sequence: Int32(sequence))) }
            // No shutdown: no snapshot, no clean-shutdown marker. The state is rebuilt from the log alone.
            let second = try makeReplicaManager(directory)
            #expect(try await produce(second, idempotentBatch(sequence: 1)).baseOffset == 1)
            #expect(try logEndOffset(second) == 3)
            second.shutdown()
            _ = first
        }
    }

    @Test func forgedGapIsRefusedAsOutOfOrderAndCounted() async throws {
        try await withTemporaryDirectory { directory in
            let metrics = BrokerMetrics(version: "test")
            let manager = try makeReplicaManager(directory, metrics: metrics)
            #expect(try await produce(manager, idempotentBatch(sequence: 0)).errorCode == .none)
            let gap = try await produce(manager, idempotentBatch(sequence: 5))
            #expect(gap.errorCode == .outOfOrderSequenceNumber)
            #expect(gap.baseOffset == -1)
            #expect(try logEndOffset(manager) == 1)
            let unknown = try await produce(manager, idempotentBatch(producerId: 55, sequence: 1))
            #expect(unknown.errorCode == .outOfOrderSequenceNumber)
            #expect(try await produce(manager, idempotentBatch(sequence: 1)).baseOffset == 1)
            #expect(metricValue("sluice_broker_out_of_order_sequence_total{topic=\"orders\"}", in: metrics) == 2)
            manager.shutdown()
        }
    }

    @Test func olderEpochIsRefusedAndAnnouncedAsFenced() async throws {
        try await withTemporaryDirectory { directory in
            let recorder = EventRecorder()
            let manager = try makeReplicaManager(directory, events: EventEmitter(sink: recorder.sink))
            #expect(try await produce(manager, idempotentBatch(epoch: 1, sequence: 0)).errorCode == .none)
            let zombie = try await produce(manager, idempotentBatch(epoch: 0, sequence: 1))
            #expect(zombie.errorCode == .invalidProducerEpoch)
            #expect(recorder.eventNames.filter { $0 == "producer_fenced" }.count == 1)
            let bumped = try await produce(manager, idempotentBatch(epoch: 2, sequence: 3))
            #expect(bumped.errorCode == .outOfOrderSequenceNumber, "a new epoch starts at sequence 0")
            #expect(try await produce(manager, idempotentBatch(epoch: 2, sequence: 0)).baseOffset == 1)
            manager.shutdown()
        }
    }

    @Test func severalBatchesForOnePartitionAreAllCheckedBeforeAnyIsAppended() async throws {
        try await withTemporaryDirectory { directory in
            let manager = try makeReplicaManager(directory)
            let refused = concatenate([idempotentBatch(sequence: 0), idempotentBatch(sequence: 2)])
            #expect(try await produce(manager, refused).errorCode == .outOfOrderSequenceNumber)
            #expect(try logEndOffset(manager) == 0)
            let accepted = concatenate([idempotentBatch(sequence: 0, count: 2), idempotentBatch(sequence: 2)])
            #expect(try await produce(manager, accepted).baseOffset == 0)
            let retried = try await produce(manager, accepted)
            #expect(retried.errorCode == .none)
            #expect(retried.baseOffset == 0)
            #expect(try logEndOffset(manager) == 3)
            manager.shutdown()
        }
    }

    @Test func maintenanceExpiresIdleProducersAndSnapshotsAfterARoll() async throws {
        try await withTemporaryDirectory { directory in
            let now = Atomic<Int64>(1_000)
            let batchBytes = idempotentBatch(sequence: 0).readableBytes
            let manager = try makeReplicaManager(
                directory, logConfig: LogConfig(segmentBytes: batchBytes * 2), clock: { now.load(ordering: .relaxed) },
                producerIdExpirationMs: 60_000)
            for sequence in 0..<3 { _ = try await produce(manager, idempotentBatch(sequence: Int32(sequence))) }
            manager.runMaintenance(retention: false)
            let log = try #require(manager.partition(TopicPartition(topic: "orders", partition: 0)))
            #expect(try log.producerSnapshotOffsets() == [3])
            now.store(61_000, ordering: .relaxed)
            manager.runMaintenance(retention: false)
            let forgotten = try await produce(manager, idempotentBatch(sequence: 3))
            #expect(forgotten.errorCode == .outOfOrderSequenceNumber, "an expired producer must restart at 0")
            manager.shutdown()
        }
    }
}
