import SluiceCluster
import SluiceWire
import Testing

@Suite struct EmbeddedMetadataStoreSessionTests {
    @Test func aSessionKeptAliveSurvivesItsTTLAndExpiresWithoutKeepAlive() async throws {
        try await withTemporaryDirectory { directory in
            let clock = ManualClock()
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c", now: clock.now)
            let session = try await store.register(broker(1), ttl: .seconds(10))
            let loss = await store.sessionLoss(session)
            #expect(await store.snapshot().brokers == [broker(1)])
            clock.advance(by: .seconds(9))
            try await store.keepAlive(session)
            clock.advance(by: .seconds(9))
            await store.expireLeases()
            #expect(await store.snapshot().brokers == [broker(1)], "kept alive 9 s ago, TTL 10 s")
            clock.advance(by: .seconds(2))
            await store.expireLeases()
            #expect(await store.snapshot().brokers.isEmpty)
            var lost: [SessionLoss] = []
            for await reason in loss { lost.append(reason) }
            #expect(lost == [.expired])
            await #expect(throws: MetadataError.self) { try await store.keepAlive(session) }
        }
    }

    @Test func anExpiredSessionTakesTheControllerKeyWithIt() async throws {
        try await withTemporaryDirectory { directory in
            let clock = ManualClock()
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c", now: clock.now)
            let first = try await store.register(broker(1), ttl: .seconds(1))
            let second = try await store.register(broker(2), ttl: .seconds(60))
            let won = try #require(try await store.campaign(first))
            #expect(try await store.campaign(second) == nil, "the controller key is held")
            clock.advance(by: .seconds(2))
            #expect(await store.controller() == nil)
            let next = try #require(try await store.campaign(second))
            #expect(next.brokerId == 2)
            #expect(next.epoch > won.epoch)
        }
    }

    @Test func deregisterEndsTheSessionAndFreesTheBrokerId() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            let session = try await store.register(broker(3), ttl: .seconds(30))
            await #expect(throws: MetadataError.self) { try await store.register(broker(3), ttl: .seconds(30)) }
            let loss = await store.sessionLoss(session)
            await store.deregister(session)
            var lost: [SessionLoss] = []
            for await reason in loss { lost.append(reason) }
            #expect(lost == [.deregistered])
            #expect(await store.snapshot().brokers.isEmpty)
            let again = try await store.register(broker(3), ttl: .seconds(30))
            #expect(again.id != session.id, "lease ids are never reused")
        }
    }

    @Test func aRealShortTTLExpiresThroughTheExpiryLoop() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            let session = try await store.register(broker(1), ttl: .milliseconds(200))
            let loss = await store.sessionLoss(session)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await store.runLeaseExpiry(every: .milliseconds(50)) }
                var lost: [SessionLoss] = []
                for await reason in loss { lost.append(reason) }  // ends when the loop expires the lease
                #expect(lost == [.expired])
                group.cancelAll()
            }
            #expect(await store.snapshot().brokers.isEmpty)
        }
    }
}
