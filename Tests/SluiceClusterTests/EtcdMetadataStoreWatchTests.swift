import Foundation
import Logging
import SluiceCluster
import SluiceTestSupport
import SluiceWire
import Testing

/// Watches, snapshots and producer ids against a real etcd: every change in revision order with the embedded
/// store's mapping, resume from a revision, `.compacted` after an etcd compaction, a stream that finishes when
/// etcd goes away.
@Suite struct EtcdMetadataStoreWatchTests {
    @Test func aWatchDeliversEveryChangeInRevisionOrder() async throws {
        try await withEtcdStore { store, _ in
            let start = try await store.snapshot().revision
            let watch = try await store.watch(fromRevision: start + 1)
            let session = try await store.register(broker(1), ttl: .seconds(30))
            let controller = try #require(try await store.campaign(session))
            let fence = ControllerFence(epoch: controller.epoch)
            let created = try await store.createTopic(topicState("a", partitions: 2), fence: fence)
            var partition = try #require(try await store.snapshot().topics["a"]?.partitions[1])
            partition.isr = [1]
            let written = try await store.writePartition(
                topic: "a", state: partition, expectedVersion: partition.version, fence: .controller(fence))
            let deleted = try await store.deleteTopic(named: "a", fence: fence)
            try await store.deregister(session)
            let changes = changes(await collect(7, from: watch, within: .seconds(10)))
            #expect(changes.count == 7)
            #expect(changes.map(\.revision) == changes.map(\.revision).sorted())
            #expect(changes.first?.change == .brokerRegistered(broker(1)))
            #expect(changes[1] == MetadataEvent(revision: controller.epoch, change: .controllerChanged(controller)))
            #expect(changes[2].revision == created)
            guard case .topicCreated(let topic) = changes[2].change else { Issue.record("\(changes[2])"); return }
            #expect(topic.name == "a" && topic.partitions.map(\.partition) == [0, 1], "one event for the topic")
            #expect(topic.partitions.allSatisfy { $0.version == created && $0.controllerEpoch == controller.epoch })
            partition.version = written
            partition.controllerEpoch = controller.epoch
            #expect(changes[3] == MetadataEvent(revision: written, change: .partitionChanged(topic: "a", state: partition)))
            #expect(changes[4] == MetadataEvent(revision: deleted, change: .topicDeleted(name: "a")))
            #expect(Set(changes[5...].map(\.change)) == [.brokerDeregistered(brokerId: 1), .controllerChanged(nil)])
            #expect(changes[5].revision == changes[6].revision, "the lease revoke deletes both at one revision")
        }
    }

    @Test func aWatchFromAnOlderRevisionReplaysTheHistoryFirst() async throws {
        try await withEtcdStore { store, _ in
            let start = try await store.snapshot().revision
            _ = try await store.register(broker(1), ttl: .seconds(30))
            _ = try await store.register(broker(2), ttl: .seconds(30))
            let watch = try await store.watch(fromRevision: start + 2)
            _ = try await store.register(broker(3), ttl: .seconds(30))
            let events = await collect(2, from: watch, within: .seconds(10))
            #expect(events == [
                .change(MetadataEvent(revision: start + 2, change: .brokerRegistered(broker(2)))),
                .change(MetadataEvent(revision: start + 3, change: .brokerRegistered(broker(3)))),
            ])
        }
    }

    @Test func aCompactedRevisionTellsTheWatcherToReList() async throws {
        try await withEtcdStore { store, etcd in
            let start = try await store.snapshot().revision
            for id in Int32(1)...4 { _ = try await store.register(broker(id), ttl: .seconds(30)) }
            _ = try etcdctl(etcd, ["compact", "\(start + 3)"])
            let events = await collect(5, from: try await store.watch(fromRevision: start + 1), within: .seconds(10))
            #expect(events == [.compacted(oldestRevision: start + 3)])
            let kept = await collect(2, from: try await store.watch(fromRevision: start + 3), within: .seconds(10))
            #expect(kept == [
                .change(MetadataEvent(revision: start + 3, change: .brokerRegistered(broker(3)))),
                .change(MetadataEvent(revision: start + 4, change: .brokerRegistered(broker(4)))),
            ])
            #expect(try await store.snapshot().revision == start + 4, "re-list, then watch from revision + 1")
        }
    }

    @Test func aWatchFinishesWhenEtcdGoesAway() async throws {
        try await withEtcdStore { store, etcd in
            let watch = try await store.watch(fromRevision: try await store.snapshot().revision + 1)
            etcd.stop()
            let finished = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await event in watch { Issue.record("no change was made, got \(event)") }
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(10))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(finished, "the stream finished when etcd went away")
            await #expect(throws: MetadataError.self) { try await store.watch(fromRevision: 1) }
        }
    }

    @Test func shutdownFinishesOpenWatches() async throws {
        let etcd = try await EtcdProcess()
        let store = try await EtcdMetadataStore(endpoints: [etcd.endpoint], clusterId: "c", logger: Logger(label: "t"))
        let watch = try await store.watch(fromRevision: 1)
        await store.shutdown()
        let finished = await first(of: AsyncStream<Bool> { continuation in
            let drain = Task {
                for await _ in watch {}
                continuation.yield(true)
            }
            continuation.onTermination = { _ in drain.cancel() }
        }, within: .seconds(5))
        #expect(finished == true)
        await #expect(throws: MetadataError.self) { try await store.snapshot() }
    }

    @Test func manyOpenWatchesLeaveRoomForRequests() async throws {
        try await withEtcdStore { store, _ in
            let start = try await store.snapshot().revision
            var watches: [AsyncStream<MetadataWatchEvent>] = []
            for _ in 0..<12 { watches.append(try await store.watch(fromRevision: start + 1)) }
            let sessions = try await (1...3).asyncMap { id in try await store.register(broker(Int32(id)), ttl: .seconds(30)) }
            for session in sessions { _ = await store.sessionLoss(session) }
            _ = try await store.register(broker(4), ttl: .seconds(30))
            for watch in watches {
                let events = await collect(4, from: watch, within: .seconds(10))
                #expect(changes(events).map(\.change) == (1...4).map { .brokerRegistered(broker(Int32($0))) })
            }
        }
    }

    @Test func aSnapshotHoldsBrokersControllerTopicsAndVersions() async throws {
        try await withEtcdStore { store, _ in
            let first = try await store.register(broker(2), ttl: .seconds(30))
            _ = try await store.register(broker(1), ttl: .seconds(30))
            let controller = try #require(try await store.campaign(first))
            var topic = topicState("orders", partitions: 3, replicas: [1, 2])
            topic.configs = ["retention.ms": "60000"]
            let created = try await store.createTopic(topic, fence: ControllerFence(epoch: controller.epoch))
            await #expect(throws: MetadataError.topicExists("orders")) {
                try await store.createTopic(topic, fence: ControllerFence(epoch: controller.epoch))
            }
            _ = try await store.createTopic(topicState("orders2"), fence: ControllerFence(epoch: controller.epoch))
            _ = try await store.deleteTopic(named: "orders2", fence: ControllerFence(epoch: controller.epoch))
            await #expect(throws: MetadataError.unknownTopic("orders2")) {
                try await store.deleteTopic(named: "orders2", fence: ControllerFence(epoch: controller.epoch))
            }
            let snapshot = try await store.snapshot()
            #expect(snapshot.clusterId == "c")
            #expect(snapshot.brokers == [broker(1), broker(2)])
            #expect(snapshot.controller == controller)
            #expect(snapshot.topics.keys.sorted() == ["orders"], "deleting orders2 left orders alone")
            let stored = try #require(snapshot.topics["orders"])
            #expect(stored.configs == ["retention.ms": "60000"])
            #expect(stored.partitions.map(\.partition) == [0, 1, 2])
            #expect(stored.partitions.allSatisfy {
                $0.version == created && $0.controllerEpoch == controller.epoch && $0.replicas == [1, 2]
            })
            #expect(snapshot.revision > created)
        }
    }

    @Test func producerIdsAreUniqueAcrossTwoStores() async throws {
        try await withEtcdStore { store, etcd in
            let other = try await EtcdMetadataStore(endpoints: [etcd.endpoint], clusterId: "c", logger: Logger(label: "t"))
            let blocks = try await withThrowingTaskGroup(of: [Range<Int64>].self) { group in
                for allocator in [store, other] {
                    group.addTask {
                        var blocks: [Range<Int64>] = []
                        for _ in 0..<10 { blocks.append(try await allocator.allocateProducerIds(count: 5)) }
                        return blocks
                    }
                }
                var all: [Range<Int64>] = []
                for try await blocks in group { all += blocks }
                return all
            }
            await other.shutdown()
            let ids = blocks.flatMap { Array($0) }
            #expect(blocks.count == 20 && blocks.allSatisfy { $0.count == 5 })
            #expect(Set(ids).count == 100, "no id handed out twice")
            #expect(ids.min() == 0 && ids.max() == 99, "ids start at 0 and skip none here")
        }
    }
}
