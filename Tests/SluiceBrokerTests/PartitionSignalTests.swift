import Foundation
import NIOCore
import SluiceCluster
import SluiceStorage
import SluiceWire
import Synchronization
import Testing

@testable import SluiceBroker
@testable import SluiceObservability

/// Per-partition signals: a fetch waits only on the partitions it asked for.
@Suite struct PartitionSignalTests {
    private func fetchRequest(partition: Int32, replicaId: Int32 = -1) -> FetchRequest {
        FetchRequest(
            replicaId: replicaId, maxWaitMs: 60_000, minBytes: 1,
            topics: [FetchTopic(name: "orders", partitions: [
                FetchPartition(partition: partition, fetchOffset: 0, partitionMaxBytes: 1 << 20),
            ])])
    }

    @Test func aFetchOnAIsNotWokenByBAndIsWokenByA() async throws {
        try await withTemporaryDirectory { directory in
            let manager = try makeReplicaManager(directory, partitions: 2)
            let partitionA = try #require(manager.partition(TopicPartition(topic: "orders", partition: 0)))
            let partitionB = try #require(manager.partition(TopicPartition(topic: "orders", partition: 1)))
            let started = ContinuousClock.now
            let fetch = Task { await manager.fetch(fetchRequest(partition: 0)) }
            #expect(await eventually { partitionA.highWatermarkSignal.waiterCount == 1 })
            for _ in 0..<10 { _ = try await produce(manager, plainBatch(), partition: 1) }
            #expect(partitionB.highWatermarkSignal.firedCount == 0, "nobody waits on B")
            #expect(manager.fetchWakeups.load(ordering: .relaxed) == 0)
            #expect(partitionA.highWatermarkSignal.waiterCount == 1, "the fetch still waits on A")
            _ = try await produce(manager, plainBatch(count: 3), partition: 0)
            let response = await fetch.value
            #expect(response.topics.first?.partitions.first?.recordsByteCount ?? 0 > 0)
            #expect(manager.fetchWakeups.load(ordering: .relaxed) == 1)
            #expect(partitionA.highWatermarkSignal.firedCount == 1)
            #expect(started.duration(to: .now) < .seconds(50), "woken by the append, not by maxWait")
            #expect(partitionA.highWatermarkSignal.waiterCount == 0)
            manager.shutdown()
        }
    }

    @Test func aFollowerFetchWaitsOnTheLogEndOffset() async throws {
        try await withTemporaryDirectory { directory in
            // Broker 2 is an assigned replica (out of sync): the leader serves its fetches up to the LEO.
            let manager = try makeReplicaManager(directory, replicas: [1, 2])
            let partition = try #require(manager.partition(TopicPartition(topic: "orders", partition: 0)))
            let fetch = Task { await manager.fetch(fetchRequest(partition: 0, replicaId: 2)) }
            #expect(await eventually { partition.logEndOffsetSignal.waiterCount == 1 })
            #expect(partition.highWatermarkSignal.waiterCount == 0)
            _ = try await produce(manager, plainBatch(), partition: 0)
            let response = await fetch.value
            #expect(response.topics.first?.partitions.first?.recordsByteCount ?? 0 > 0)
            #expect(partition.logEndOffsetSignal.firedCount == 1)
            manager.shutdown()
        }
    }
}
