import SluiceCluster
import SluiceWire
import Testing

/// The controller race: one holder at a time, epochs that only grow (across restarts too), resign fenced by
/// the epoch.
@Suite struct EmbeddedMetadataStoreCampaignTests {
    @Test func oneSessionHoldsTheControllerAndCampaigningAgainKeepsItsEpoch() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            let first = try await store.register(broker(1), ttl: .seconds(30))
            let second = try await store.register(broker(2), ttl: .seconds(30))
            let won = try #require(try await store.campaign(first))
            #expect(won.brokerId == 1)
            #expect(won.epoch >= 1)
            #expect(try await store.campaign(first) == won, "the holder campaigning again keeps its epoch")
            #expect(try await store.campaign(second) == nil, "the key is held by a live session")
            #expect(await store.controller() == won)
        }
    }

    @Test func everyNewControllerGetsAGreaterEpochAlsoAfterTheStoreIsReopened() async throws {
        try await withTemporaryDirectory { directory in
            var epochs: [Int64] = []
            for round in 0..<3 {
                // Each round is a broker restart: a new store over the same directory, a new session.
                let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
                let session = try await store.register(broker(1), ttl: .seconds(30))
                epochs.append(try #require(try await store.campaign(session)).epoch)
                if round == 1 {
                    // Within one life too: resign, and the next campaign moves on.
                    await store.resign(session, controllerEpoch: epochs.last!)
                    epochs.append(try #require(try await store.campaign(session)).epoch)
                }
            }
            #expect(epochs.count == 4)
            #expect(epochs == epochs.sorted() && Set(epochs).count == epochs.count, "epochs only grow: \(epochs)")
        }
    }

    @Test func resignIsFencedByTheEpochAndPublishesThatNoneHoldsIt() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            let first = try await store.register(broker(1), ttl: .seconds(30))
            let second = try await store.register(broker(2), ttl: .seconds(30))
            let won = try #require(try await store.campaign(first))
            await store.resign(second, controllerEpoch: won.epoch)
            #expect(await store.controller() == won, "another session cannot resign it")
            await store.resign(first, controllerEpoch: won.epoch - 1)
            #expect(await store.controller() == won, "an older epoch cannot resign it")
            let changes = await store.watch(fromRevision: await store.snapshot().revision + 1)
            await store.resign(first, controllerEpoch: won.epoch)
            #expect(await store.controller() == nil)
            guard case .change(let event) = await collect(1, from: changes).first else {
                Issue.record("no change after resign")
                return
            }
            #expect(event.change == .controllerChanged(nil))
            let next = try #require(try await store.campaign(second))
            #expect(next.brokerId == 2 && next.epoch > won.epoch)
        }
    }

    @Test func aCampaignUnderAnEndedSessionIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "c")
            let session = try await store.register(broker(1), ttl: .seconds(30))
            await store.deregister(session)
            await #expect(throws: MetadataError.sessionExpired("\(session) is gone; register again")) {
                try await store.campaign(session)
            }
        }
    }
}
