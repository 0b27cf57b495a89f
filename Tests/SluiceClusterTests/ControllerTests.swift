import SluiceCluster
import SluiceWire
import Synchronization
import Testing

/// Kafka's round-robin replica assignment and the controller's topic creation over the store.
@Suite struct ControllerTests {
    /// Kafka's own example (`AdminUtils`' doc comment): 5 brokers, 10 partitions, 3 replicas, start index 0 and
    /// shift 0 — each row of its table is one replica position.
    @Test func assignmentMatchesKafkasRoundRobinExample() {
        let assignment = ReplicaAssignment.assign(
            brokerIds: [0, 1, 2, 3, 4], partitions: 10, replicationFactor: 3, startIndex: 0, replicaShift: 0)
        #expect(assignment == [
            [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
            [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
        ])
    }

    @Test(arguments: [(3, 6, 3), (5, 20, 2), (4, 7, 3), (1, 4, 1)])
    func assignmentSpreadsLeadersAndReplicasEvenly(brokers: Int, partitions: Int32, replicationFactor: Int) {
        let ids = (0..<brokers).map { Int32(100 + $0 * 7) }.shuffled()  // not 0-based, not sorted
        for start in 0..<brokers {
            for shift in 0..<brokers {
                let assignment = ReplicaAssignment.assign(
                    brokerIds: ids, partitions: partitions, replicationFactor: replicationFactor,
                    startIndex: start, replicaShift: shift)
                #expect(assignment.count == Int(partitions))
                #expect(assignment.allSatisfy { Set($0).count == replicationFactor && Set($0).isSubset(of: Set(ids)) })
                let leaders = Dictionary(grouping: assignment.map { $0[0] }, by: { $0 }).mapValues(\.count)
                let spread = (leaders.values.max() ?? 0) - (ids.map { leaders[$0] ?? 0 }.min() ?? 0)
                #expect(spread <= 1, "leaders \(leaders) at start \(start), shift \(shift)")
                let replicas = Dictionary(grouping: assignment.joined(), by: { $0 }).mapValues(\.count)
                let total = Int(partitions) * replicationFactor
                #expect(replicas.values.allSatisfy { abs($0 * brokers - total) <= brokers * replicationFactor })
            }
        }
    }

    /// A store with `brokers` registered and broker 1's controller in office.
    private func controller(
        _ directory: String, brokers: Int32, random: @escaping Controller.RandomIndex = { _ in 0 }
    ) async throws -> (EmbeddedMetadataStore, Controller, [BrokerSession]) {
        let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
        var sessions: [BrokerSession] = []
        for id in Int32(1)...brokers { sessions.append(try await store.register(broker(id), ttl: .seconds(30))) }
        let controller = Controller(store: store, session: sessions[0], random: random)
        try #require(try await controller.campaign() != nil)
        return (store, controller, sessions)
    }

    @Test func createTopicAssignsFromTheRandomStartAndWritesEveryPartitionInSync() async throws {
        try await withTemporaryDirectory { directory in
            let draws = DrawLog()
            let (store, controller, _) = try await controller(directory, brokers: 3) { bound in draws.draw(bound) }
            let revision = try await controller.createTopic(
                name: "orders", partitions: 4, replicationFactor: 2, configs: ["retention.ms": "60000"])
            let snapshot = await store.snapshot()
            #expect(snapshot.revision == revision)
            let topic = try #require(snapshot.topics["orders"])
            #expect(topic.configs == ["retention.ms": "60000"])
            #expect(draws.bounds == [3, 3], "a start index and a replica shift, each over the 3 brokers")
            let expected = ReplicaAssignment.assign(
                brokerIds: [1, 2, 3], partitions: 4, replicationFactor: 2, startIndex: 1, replicaShift: 2)
            #expect(topic.partitions.map(\.replicas) == expected)
            for state in topic.partitions {
                #expect(state.leader == state.replicas[0] && state.leaderEpoch == 0 && state.isr == state.replicas)
                #expect(state.controllerEpoch == (await controller.current)?.epoch)
            }
        }
    }

    @Test func aReplicationFactorAboveTheLiveBrokersIsRefusedNamingBoth() async throws {
        try await withTemporaryDirectory { directory in
            let (store, controller, _) = try await controller(directory, brokers: 2)
            let refusal = await #expect(throws: SluiceError.self) {
                try await controller.createTopic(name: "t", partitions: 1, replicationFactor: 3, configs: [:])
            }
            #expect(refusal?.code == .invalidReplicationFactor)
            #expect(refusal?.message == "replication factor 3 is larger than the 2 available broker(s)")
            #expect(await store.snapshot().topics.isEmpty)
        }
    }

    @Test func aControllerThatLostItsOfficeCannotCreateOrDelete() async throws {
        try await withTemporaryDirectory { directory in
            let (store, controller, sessions) = try await controller(directory, brokers: 2)
            _ = try await controller.createTopic(name: "kept", partitions: 1, replicationFactor: 1, configs: [:])
            // Deposed behind its back: its session ends and broker 2 wins.
            await store.deregister(sessions[0])
            let other = Controller(store: store, session: sessions[1])
            #expect(try await other.campaign()?.brokerId == 2)
            let fenced = await #expect(throws: SluiceError.self) {
                try await controller.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:])
            }
            #expect(fenced?.code == .fencedLeaderEpoch, "the store fences the deposed epoch: \(String(describing: fenced))")
            await #expect(throws: SluiceError.self) { try await controller.deleteTopic(named: "kept") }
            #expect(await store.snapshot().topics.keys.sorted() == ["kept"])
            // Resigning is how office ends on purpose; the next request says it is not the controller.
            #expect(try await other.resign()?.brokerId == 2)
            let notController = await #expect(throws: SluiceError.self) { try await other.deleteTopic(named: "kept") }
            #expect(notController?.message == "broker 2 is not the controller")
        }
    }
}

/// Records the upper bounds a controller drew from; answers 1 (the start index), then 2 (the replica shift).
final class DrawLog: Sendable {
    private let log = Mutex<[Int]>([])

    var bounds: [Int] { log.withLock { $0 } }

    func draw(_ bound: Int) -> Int {
        log.withLock { $0.append(bound) }
        return bounds.count == 1 ? 1 : 2
    }
}
