import Foundation
import NIOCore
import SluiceCluster
import SluiceStorage
import SluiceWire
import Synchronization
import Testing

@testable import SluiceBroker
@testable import SluiceObservability

/// Role transitions of a partition: epochs only grow, and a deposed leader never appends.
@Suite struct PartitionRoleTests {
    private let orders0 = TopicPartition(topic: "orders", partition: 0)

    @Test func transitionsRefuseAnOlderEpochAndApplyAnEqualOne() async throws {
        try await withTemporaryDirectory { directory in
            let manager = try makeReplicaManager(directory)
            let partition = try #require(manager.partition(orders0))
            #expect(try manager.makeFollower(orders0, leaderId: 2, leaderEpoch: 3) == true)
            #expect(partition.leader == 2)
            let refused = try await produce(manager, plainBatch())
            #expect(refused.errorCode == .notLeaderOrFollower)
            #expect(partition.logEndOffset == 0)

            #expect(throws: StaleLeaderEpochError(
                topicPartition: "orders-0", transition: "makeLeader", currentEpoch: 3, requestedEpoch: 2)) {
                try manager.makeLeader(orders0, leaderEpoch: 2, replicas: [1], isr: [1])
            }
            #expect(throws: StaleLeaderEpochError.self) { try partition.makeOffline(leaderEpoch: 1) }
            // The same epoch naming the same leader again changes nothing.
            #expect(try manager.makeFollower(orders0, leaderId: 2, leaderEpoch: 3) == false)
            #expect(try manager.makeLeader(orders0, leaderEpoch: 4, replicas: [1, 2], isr: [1]) == true)
            // Equal epoch: an ISR update of the same leadership, not a new one.
            #expect(try manager.makeLeader(orders0, leaderEpoch: 4, replicas: [1, 2], isr: [1, 2]) == false)
            #expect(partition.isr == [1, 2])
            #expect(try manager.makeLeader(orders0, leaderEpoch: 4, replicas: [1], isr: [1]) == false)
            let accepted = try await produce(manager, plainBatch())
            #expect(accepted.errorCode == .none)
            #expect(partition.leaderEpoch == 4)
            #expect(try manager.applyPartitionState(
                orders0, PartitionState(partition: 0, replicas: [1, 2], leader: -1, leaderEpoch: 5, isr: [])) == true)
            #expect(partition.leader == -1)
            #expect(try manager.makeFollower(TopicPartition(topic: "none", partition: 0), leaderId: 2, leaderEpoch: 9) == nil)
            manager.shutdown()
        }
    }

    /// Kafka's DelayedProduce: a leader that becomes follower answers its parked acks=all requests
    /// NOT_LEADER_OR_FOLLOWER at once (the new leader may truncate those records), not after the timeout.
    @Test func anAcksAllWaitEndsWithNotLeaderWhenLeadershipMoves() async throws {
        try await withTemporaryDirectory { directory in
            let manager = try makeReplicaManager(directory, topic: "unused")
            let replicated = TopicPartition(topic: "replicated", partition: 0)
            try manager.host(topic: TopicState(name: "replicated", partitions: [
                PartitionState(partition: 0, replicas: [1, 2], leader: 1, leaderEpoch: 3, isr: [1, 2]),
            ]))
            let partition = try #require(manager.partition(replicated))
            let parked = Task {
                var request = ProduceRequest(
                    acks: -1, timeoutMs: 60_000,
                    topics: [ProduceTopicData(name: "replicated", partitions: [
                        ProducePartitionData(partition: 0, records: plainBatch()),
                    ])])
                return await manager.produce(&request).topics.first?.partitions.first
            }
            // Follower 2 never fetches: the HW stays at 0 and the request parks on the HW signal.
            #expect(await eventually { partition.highWatermarkSignal.waiterCount == 1 })
            #expect(partition.logEndOffset == 1 && partition.highWatermark == 0)
            #expect(try manager.makeFollower(replicated, leaderId: 2, leaderEpoch: 4) == true)
            let answer = try #require(await parked.value)
            #expect(answer.errorCode == .notLeaderOrFollower)
            #expect(answer.errorMessage.contains("stopped leading replicated-0 at leader epoch 3"))
            #expect(answer.errorMessage.contains("now follower of broker 2 at leader epoch 4"))
            manager.shutdown()
        }
    }

    @Test func hostBuildsTheInitialRoleFromThePartitionState() async throws {
        try await withTemporaryDirectory { directory in
            let manager = try makeReplicaManager(directory, topic: "led")
            try manager.host(topic: TopicState(name: "followed", partitions: [
                PartitionState(partition: 0, replicas: [2, 1], leader: 2, leaderEpoch: 7, isr: [2, 1]),
                PartitionState(partition: 1, replicas: [1, 2], leader: -1, leaderEpoch: 4, isr: []),
            ]))
            let led = try #require(manager.partition(TopicPartition(topic: "led", partition: 0)))
            let followed = try #require(manager.partition(TopicPartition(topic: "followed", partition: 0)))
            let offline = try #require(manager.partition(TopicPartition(topic: "followed", partition: 1)))
            #expect(led.isLeader)
            guard case .follower(leaderId: 2, leaderEpoch: 7) = followed.role else {
                Issue.record("expected follower of 2 at epoch 7, got \(followed.role)")
                return
            }
            guard case .offline(leaderEpoch: 4) = offline.role else {
                Issue.record("expected offline at epoch 4, got \(offline.role)")
                return
            }
            #expect(manager.leaderPartitionCount == 1)
            manager.shutdown()
        }
    }

    /// Appender threads race `makeFollower`, 200 times: no append lands in the log after the transition
    /// returned (not even one that passed a role check before it), none that started after it succeeds, and
    /// the log holds exactly what the successful appends wrote.
    @Test func noAppendAsLeaderSucceedsOnceMakeFollowerReturned() async throws {
        try await withTemporaryDirectory { directory in
            let manager = try makeReplicaManager(directory)
            let partition = try #require(manager.partition(orders0))
            let succeeded = Atomic<Int>(0)
            let lateSuccesses = Atomic<Int>(0)
            var roundsWithLateWrites = 0
            let template = plainBatch()
            for round in 0..<200 {
                let epoch = Int32(2 * round + 2)
                try partition.makeLeader(leaderEpoch: epoch, replicas: [1], isr: [1], nowMs: 0)
                let deposed = Atomic<Bool>(false)
                let roundSuccesses = Atomic<Int>(0)
                let appenders = (0..<3).map { _ in
                    Thread {
                        while true {
                            let afterTransition = deposed.load(ordering: .sequentiallyConsistent)
                            var batch = template
                            do {
                                _ = try partition.appendAsLeader(&batch, acks: 1, nowMs: 0)
                                succeeded.add(1, ordering: .relaxed)
                                roundSuccesses.add(1, ordering: .relaxed)
                                if afterTransition { lateSuccesses.add(1, ordering: .relaxed) }
                            } catch {
                                precondition((error as? SluiceError)?.code == .notLeaderOrFollower, "unexpected \(error)")
                                return
                            }
                        }
                    }
                }
                for thread in appenders { thread.start() }
                // Depose once appends are under way (a varying number of them), racing the appenders.
                while roundSuccesses.load(ordering: .relaxed) < round % 7 + 1 {}
                try partition.makeFollower(leaderId: 2, leaderEpoch: epoch + 1)
                let logEndAtTransition = partition.logEndOffset
                deposed.store(true, ordering: .sequentiallyConsistent)
                while appenders.contains(where: { !$0.isFinished }) { await Task.yield() }
                if partition.logEndOffset != logEndAtTransition { roundsWithLateWrites += 1 }
            }
            #expect(roundsWithLateWrites == 0, "appends landed after makeFollower returned")
            #expect(lateSuccesses.load(ordering: .relaxed) == 0)
            #expect(partition.logEndOffset == Int64(succeeded.load(ordering: .relaxed)))
            manager.shutdown()
        }
    }
}
