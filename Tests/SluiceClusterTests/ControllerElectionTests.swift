import Prometheus
import SluiceCluster
import SluiceObservability
import SluiceWire
import Testing

/// The controller's life against the real embedded store: it elects leaders when brokers are lost and come
/// back, hands its office over when its own session ends, and moves leadership for preferred and controlled
/// elections — each committed as a fenced write, each reported as an event and a metric.
@Suite struct ControllerElectionTests {
    /// Three registered brokers, broker 1's controller in office and running, and an RF=3 topic `orders` whose
    /// partitions 0, 1, 2 are led by brokers 1, 2, 3 (assignment [1,2,3], [2,3,1], [3,1,2]).
    private struct Cluster {
        let store: EmbeddedMetadataStore
        let sessions: [Int32: BrokerSession]
        let controller: Controller
        let recorder: EventRecorder
        let registry: PrometheusCollectorRegistry

        func partition(_ number: Int32, of topic: String = "orders") async -> PartitionState? {
            await store.snapshot().topics[topic]?.partitions.first { $0.partition == number }
        }

        func metrics() -> String {
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    private func withCluster(
        settings: Controller.Settings = Controller.Settings(autoLeaderRebalance: false),
        _ body: (Cluster) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            var sessions: [Int32: BrokerSession] = [:]
            for id: Int32 in 1...3 { sessions[id] = try await store.register(broker(id), ttl: .seconds(30)) }
            let recorder = EventRecorder()
            let registry = PrometheusCollectorRegistry()
            let controller = Controller(
                store: store, session: sessions[1]!, metrics: ControllerMetrics(registry: registry),
                events: recorder.emitter, settings: settings, random: { _ in 0 })
            try #require(try await controller.campaign() != nil)
            _ = try await controller.createTopic(name: "orders", partitions: 3, replicationFactor: 3, configs: [:])
            let running = Task { try await controller.run() }
            defer { running.cancel() }
            // Changes made from here on reach the controller through its watch.
            #expect(await eventually { await controller.observedRevision > 0 })
            try await body(Cluster(store: store, sessions: sessions, controller: controller, recorder: recorder, registry: registry))
        }
    }

    @Test func aLostBrokersPartitionsGetTheNextInSyncReplicaAtAHigherEpoch() async throws {
        try await withCluster { cluster in
            let before = try #require(await cluster.partition(1))
            #expect(before.leader == 2)
            await cluster.store.deregister(cluster.sessions[2]!)
            #expect(await eventually { await cluster.partition(1)?.leader == 3 })
            let after = try #require(await cluster.partition(1))
            #expect(after.leaderEpoch == before.leaderEpoch + 1)
            #expect(after.isr == [3, 1])
            // Partitions 0 and 2 keep their leaders and epochs and only lose broker 2 from their ISRs.
            #expect(await eventually {
                let isr0 = await cluster.partition(0)?.isr
                let isr2 = await cluster.partition(2)?.isr
                return isr0 == [1, 3] && isr2 == [3, 1]
            })
            #expect(await cluster.partition(0)?.leaderEpoch == 0)
            let elected = cluster.recorder.events("leader_elected")
            #expect(elected.count == 1)
            #expect(elected.first?["TOPIC"] == "orders")
            #expect(elected.first?["PARTITION"] == "1")
            #expect(elected.first?["LEADER"] == "3")
            #expect(elected.first?["PREVIOUS_LEADER"] == "2")
            #expect(elected.first?["ELECTION"] == "clean")
            #expect(elected.first?["LEADER_EPOCH"] == "1")
            #expect(cluster.recorder.events("broker_lost").first?["BROKER_ID"] == "2")
            let text = cluster.metrics()
            #expect(text.contains(#"sluice_leader_elections_total{type="clean"} 1"#))
            #expect(text.contains(#"sluice_leader_elections_total{type="unclean"} 0"#))
            #expect(text.contains("sluice_leader_election_seconds_count 1"))
        }
    }

    @Test func withoutAnInSyncReplicaThePartitionGoesOfflineAndComesBackWithIt() async throws {
        try await withCluster { cluster in
            let fence = ControllerFence(epoch: try #require(await cluster.controller.current).epoch)
            _ = try await cluster.store.createTopic(
                TopicState(name: "solo", partitions: [
                    PartitionState(partition: 0, replicas: [3], leader: 3, leaderEpoch: 0, isr: [3], controllerEpoch: fence.epoch),
                ]), fence: fence)
            await cluster.store.deregister(cluster.sessions[3]!)
            #expect(await eventually { await cluster.partition(0, of: "solo")?.leader == -1 })
            #expect(await cluster.partition(0, of: "solo")?.leaderEpoch == 1)
            let offline = cluster.recorder.events("partition_offline")
            #expect(offline.first?["TOPIC"] == "solo")
            #expect(offline.first?["REPLICAS"] == "3")
            _ = try await cluster.store.register(broker(3), ttl: .seconds(30))
            #expect(await eventually { await cluster.partition(0, of: "solo")?.leader == 3 })
            #expect(await cluster.partition(0, of: "solo")?.leaderEpoch == 2)
            #expect(cluster.recorder.events("broker_registered").map { $0["BROKER_ID"] } == ["3"])
        }
    }

    @Test func aTopicAllowingUncleanElectionTakesAnOutOfSyncReplica() async throws {
        try await withCluster { cluster in
            let fence = ControllerFence(epoch: try #require(await cluster.controller.current).epoch)
            _ = try await cluster.store.createTopic(
                TopicState(name: "lossy", partitions: [
                    PartitionState(partition: 0, replicas: [3, 2], leader: 3, leaderEpoch: 0, isr: [3], controllerEpoch: fence.epoch),
                ], configs: ["unclean.leader.election.enable": "true"]), fence: fence)
            await cluster.store.deregister(cluster.sessions[3]!)
            #expect(await eventually { await cluster.partition(0, of: "lossy")?.leader == 2 })
            #expect(await cluster.partition(0, of: "lossy")?.isr == [2])
            let elected = cluster.recorder.events("leader_elected").filter { $0["TOPIC"] == "lossy" }
            #expect(elected.first?["ELECTION"] == "unclean")
            #expect(elected.first?["PRIORITY"] == "4", "an unclean election is a warning")
            #expect(cluster.metrics().contains(#"sluice_leader_elections_total{type="unclean"} 1"#))
        }
    }

    @Test func anotherBrokerTakesTheOfficeWhenTheControllersSessionEnds() async throws {
        try await withCluster { cluster in
            let first = try #require(await cluster.controller.current)
            let recorder = EventRecorder()
            let successor = Controller(
                store: cluster.store, session: cluster.sessions[2]!, events: recorder.emitter,
                settings: Controller.Settings(autoLeaderRebalance: false))
            let running = Task { try await successor.run() }
            defer { running.cancel() }
            #expect(await eventually { await successor.observedRevision > 0 })
            #expect(await successor.current == nil, "the office is held")
            await cluster.store.deregister(cluster.sessions[1]!)
            #expect(await eventually { await successor.current != nil })
            let second = try #require(await successor.current)
            #expect(second.epoch > first.epoch)
            #expect(second.brokerId == 2)
            let elected = recorder.events("controller_elected")
            #expect(elected.first?["PREVIOUS_CONTROLLER"] == "1")
            // The new controller elects a leader for the partition broker 1 led.
            #expect(await eventually { await cluster.partition(0)?.leader == 2 })
            #expect(await cluster.partition(0)?.controllerEpoch == second.epoch)
        }
    }

    @Test func preferredElectionReturnsLeadershipToTheFirstReplica() async throws {
        try await withCluster { cluster in
            let fence = ControllerFence(epoch: try #require(await cluster.controller.current).epoch)
            var moved = try #require(await cluster.partition(0))
            moved.leader = 2
            moved.leaderEpoch += 1
            _ = try await cluster.store.writePartition(
                topic: "orders", state: moved, expectedVersion: moved.version, fence: .controller(fence))
            let elections = try await cluster.controller.electPreferred()
            #expect(elections.map(\.state.partition) == [0])
            #expect(elections.first?.election == .preferred)
            let back = try #require(await cluster.partition(0))
            #expect(back.leader == 1)
            #expect(back.leaderEpoch == 2)
            #expect(try await cluster.controller.electPreferred().isEmpty, "nothing left to move")
        }
    }

    @Test func controlledShutdownMovesEveryLeadershipAwayFirst() async throws {
        try await withCluster { cluster in
            let remaining = try await cluster.controller.controlledShutdown(of: 2)
            #expect(remaining == 0)
            let states = await cluster.store.snapshot().topics["orders"]?.partitions ?? []
            #expect(states.allSatisfy { $0.leader != 2 && !$0.isr.contains(2) })
            #expect(states.first { $0.partition == 1 }?.leader == 3)
            #expect(cluster.recorder.events("leader_elected").first?["ELECTION"] == "controlled")
        }
    }
}
