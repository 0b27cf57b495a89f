import SluiceCluster
import SluiceWire
import Testing

@Suite struct EmbeddedMetadataStoreWatchTests {
    @Test func aWatchDeliversEveryChangeInRevisionOrder() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            let start = await store.snapshot().revision
            let watch = await store.watch(fromRevision: start + 1)
            let session = try await store.register(broker(1), ttl: .seconds(30))
            let controller = try #require(try await store.campaign(session))
            let fence = ControllerFence(epoch: controller.epoch)
            let created = try await store.createTopic(topicState("a", partitions: 2), fence: fence)
            var partition = try #require(await store.snapshot().topics["a"]?.partitions[1])
            partition.isr = [1]
            let written = try await store.writePartition(
                topic: "a", state: partition, expectedVersion: partition.version, fence: .controller(fence))
            let deleted = try await store.deleteTopic(named: "a", fence: fence)
            await store.deregister(session)
            let events = await collect(7, from: watch)
            let changes = events.compactMap { event -> MetadataEvent? in
                guard case .change(let change) = event else { return nil }
                return change
            }
            #expect(changes.count == 7)
            #expect(changes.map(\.revision) == changes.map(\.revision).sorted())
            #expect(changes.first?.change == .brokerRegistered(broker(1)))
            #expect(changes[1].change == .controllerChanged(controller))
            #expect(changes[2].revision == created)
            guard case .topicCreated(let topic) = changes[2].change else { Issue.record("\(changes[2])"); return }
            #expect(topic.partitions.allSatisfy { $0.version == created && $0.controllerEpoch == controller.epoch })
            #expect(changes[3].revision == written)
            #expect(changes[4] == MetadataEvent(revision: deleted, change: .topicDeleted(name: "a")))
            #expect(Set(changes[5...].map(\.change)) == [.brokerDeregistered(brokerId: 1), .controllerChanged(nil)])
        }
    }

    @Test func aWatchFromAnOlderRevisionReplaysTheHistoryFirst() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            let start = await store.snapshot().revision
            _ = try await store.register(broker(1), ttl: .seconds(30))
            _ = try await store.register(broker(2), ttl: .seconds(30))
            let watch = await store.watch(fromRevision: start + 2)
            _ = try await store.register(broker(3), ttl: .seconds(30))
            let events = await collect(2, from: watch)
            #expect(events == [
                .change(MetadataEvent(revision: start + 2, change: .brokerRegistered(broker(2)))),
                .change(MetadataEvent(revision: start + 3, change: .brokerRegistered(broker(3)))),
            ])
        }
    }

    @Test func aCompactedRevisionTellsTheWatcherToReList() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c", historyLimit: 2)
            let start = await store.snapshot().revision
            for id in Int32(1)...4 { _ = try await store.register(broker(id), ttl: .seconds(30)) }
            let events = await collect(5, from: await store.watch(fromRevision: start + 1))
            #expect(events == [.compacted(oldestRevision: start + 3)])
            let kept = await collect(2, from: await store.watch(fromRevision: start + 3))
            #expect(kept == [
                .change(MetadataEvent(revision: start + 3, change: .brokerRegistered(broker(3)))),
                .change(MetadataEvent(revision: start + 4, change: .brokerRegistered(broker(4)))),
            ])
            #expect(await store.snapshot().revision == start + 4, "re-list, then watch from revision + 1")
        }
    }
}
