import SluiceCluster
import SluiceWire
import Testing

/// Partition-state writes, run against both stores: compare-and-set on the partition's own version, fenced by the
/// controller epoch for the controller and by the leader epoch for a leader's ISR change (Kafka's AlterPartition).
@Suite struct EtcdAndEmbeddedStorePartitionWriteTests {
    /// A store with brokers 1–3 registered, broker 1 controller, and topic `t` of one partition on [1, 2, 3].
    private func cluster(_ store: any MetadataStore) async throws -> (any MetadataStore, [BrokerSession], ControllerInfo) {
        var sessions: [BrokerSession] = []
        for id in Int32(1)...3 { sessions.append(try await store.register(broker(id), ttl: .seconds(30))) }
        let controller = try #require(try await store.campaign(sessions[0]))
        _ = try await store.createTopic(
            topicState("t", replicas: [1, 2, 3]), fence: ControllerFence(epoch: controller.epoch))
        return (store, sessions, controller)
    }

    private func partition(_ store: any MetadataStore) async throws -> PartitionState {
        try #require(try await store.snapshot().topics["t"]?.partitions.first)
    }

    @Test(arguments: StoreKind.allCases)
    func aWriteAtTheCurrentVersionCommitsAndBecomesTheNextVersion(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (store, _, controller) = try await cluster(store)
            var state = try await partition(store)
            state.leader = 2
            state.leaderEpoch = 1
            let version = try await store.writePartition(
                topic: "t", state: state, expectedVersion: state.version, fence: .controller(.init(epoch: controller.epoch)))
            let stored = try await partition(store)
            #expect(version == stored.version)
            #expect(try await store.snapshot().revision == version, "the version is the commit revision (mod_revision)")
            #expect(stored.leader == 2 && stored.leaderEpoch == 1 && stored.controllerEpoch == controller.epoch)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStaleVersionIsAConflictAndChangesNothing(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (store, _, controller) = try await cluster(store)
            let read = try await partition(store)
            var first = read
            first.isr = [1, 2]
            _ = try await store.writePartition(
                topic: "t", state: first, expectedVersion: read.version, fence: .controller(.init(epoch: controller.epoch)))
            var second = read
            second.isr = [1, 3]
            await #expect(throws: MetadataError.conflict("t-0 is at version \(read.version + 1), not \(read.version)")) {
                try await store.writePartition(
                    topic: "t", state: second, expectedVersion: read.version,
                    fence: .controller(.init(epoch: controller.epoch)))
            }
            #expect(try await partition(store).isr == [1, 2])
        }
    }

    /// The race the version exists for: a leader shrinking the ISR and the controller moving leadership read the
    /// same state at the same leader epoch; whichever commits second must re-read, never overwrite.
    @Test(arguments: StoreKind.allCases)
    func anIsrChangeAndALeaderChangeAtTheSameEpochDoNotOverwriteEachOther(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (store, _, controller) = try await cluster(store)
            let read = try await partition(store)
            var shrunk = read
            shrunk.isr = [1, 2]
            _ = try await store.writePartition(
                topic: "t", state: shrunk, expectedVersion: read.version, fence: .leader(brokerId: 1, leaderEpoch: 0))
            var moved = read
            moved.leader = 3
            moved.leaderEpoch = 1
            await #expect(throws: MetadataError.self) {
                try await store.writePartition(
                    topic: "t", state: moved, expectedVersion: read.version,
                    fence: .controller(.init(epoch: controller.epoch)))
            }
            let stored = try await partition(store)
            #expect(stored.isr == [1, 2] && stored.leader == 1, "the ISR change survives")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeposedControllersWriteIsFenced(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (store, sessions, controller) = try await cluster(store)
            try await store.resign(sessions[0], controllerEpoch: controller.epoch)
            let next = try #require(try await store.campaign(sessions[1]))
            var state = try await partition(store)
            state.leader = 1
            state.leaderEpoch = 1
            let refusal = await #expect(throws: MetadataError.self) {
                try await store.writePartition(
                    topic: "t", state: state, expectedVersion: state.version,
                    fence: .controller(.init(epoch: controller.epoch)))
            }
            guard case .fenced(let why)? = refusal else {
                Issue.record("expected fenced, got \(String(describing: refusal))")
                return
            }
            #expect(why.contains("controller epoch \(controller.epoch) is not the current one"))
            #expect(why.contains("epoch \(next.epoch) (broker 2)"))
            await #expect(throws: MetadataError.self) {
                try await store.createTopic(topicState("u"), fence: ControllerFence(epoch: controller.epoch))
            }
            #expect(try await store.snapshot().topics["u"] == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aLeaderMayChangeOnlyTheIsrAndOnlyAtItsLeaderEpoch(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (store, _, _) = try await cluster(store)
            let read = try await partition(store)
            func attempt(_ change: (inout PartitionState) -> Void, by leader: Int32 = 1, epoch: Int32 = 0)
                async -> MetadataError?
            {
                var proposed = read
                change(&proposed)
                do {
                    _ = try await store.writePartition(
                        topic: "t", state: proposed, expectedVersion: read.version,
                        fence: .leader(brokerId: leader, leaderEpoch: epoch))
                    return nil
                } catch { return error }
            }
            let staleEpoch = await attempt({ $0.isr = [1, 2] }, epoch: -1)
            #expect(staleEpoch == .fenced("t-0 is at leader epoch 0, not -1"))
            let notLeader = await attempt({ $0.isr = [2, 3] }, by: 2)
            #expect(notLeader == .fenced("t-0 is led by broker 1, not broker 2"))
            let movesLeader = await attempt { $0.leader = 2 }
            #expect(movesLeader == .fenced("a leader may change only the ISR of t-0"))
            let dropsItself = await attempt { $0.isr = [2, 3] }
            #expect(dropsItself == .fenced("the ISR [2, 3] of t-0 must hold the leader and only assigned replicas"))
            let foreign = await attempt { $0.isr = [1, 7] }
            #expect(foreign != nil)
            #expect(try await partition(store) == read, "no refused write changed anything")
            #expect(await attempt { $0.isr = [1, 3] } == nil)
            #expect(try await partition(store).isr == [1, 3])
        }
    }
}
