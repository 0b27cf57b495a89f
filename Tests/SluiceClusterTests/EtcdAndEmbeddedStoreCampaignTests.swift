import SluiceCluster
import SluiceWire
import Testing

/// The controller race, run against both stores: one holder at a time, epochs that only grow, resign fenced by
/// the epoch and the session.
@Suite struct EtcdAndEmbeddedStoreCampaignTests {
    @Test(arguments: StoreKind.allCases)
    func oneOfThreeConcurrentCampaignsWinsAndTheWinnerKeepsItsEpoch(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var sessions: [BrokerSession] = []
            for id in Int32(1)...3 { sessions.append(try await store.register(broker(id), ttl: .seconds(30))) }
            let results = try await withThrowingTaskGroup(of: ControllerInfo?.self) { group in
                for session in sessions { group.addTask { try await store.campaign(session) } }
                var results: [ControllerInfo?] = []
                for try await result in group { results.append(result) }
                return results
            }
            let winners = results.compactMap { $0 }
            #expect(winners.count == 1, "exactly one winner: \(results)")
            let won = try #require(winners.first)
            #expect(won.epoch >= 1)
            let holder = try #require(sessions.first { $0.brokerId == won.brokerId })
            #expect(try await store.campaign(holder) == won, "the holder campaigning again keeps its epoch")
            #expect(try await store.controller() == won)
            #expect(try await store.snapshot().controller == won)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyNewWinnerGetsAGreaterEpoch(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var sessions: [BrokerSession] = []
            for id in Int32(1)...3 { sessions.append(try await store.register(broker(id), ttl: .seconds(30))) }
            let first = try #require(try await store.campaign(sessions[0]))
            #expect(try await store.campaign(sessions[1]) == nil, "held by a live session")
            try await store.resign(sessions[0], controllerEpoch: first.epoch)
            let second = try #require(try await store.campaign(sessions[1]))
            try await store.deregister(sessions[1])
            let third = try #require(try await store.campaign(sessions[2]))
            #expect([first.brokerId, second.brokerId, third.brokerId] == [1, 2, 3])
            #expect(first.epoch < second.epoch && second.epoch < third.epoch)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func resignIsFencedByTheEpochAndPublishesThatNoneHoldsIt(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let first = try await store.register(broker(1), ttl: .seconds(30))
            let second = try await store.register(broker(2), ttl: .seconds(30))
            let won = try #require(try await store.campaign(first))
            try await store.resign(second, controllerEpoch: won.epoch)
            #expect(try await store.controller() == won, "another session cannot resign it")
            try await store.resign(first, controllerEpoch: won.epoch - 1)
            #expect(try await store.controller() == won, "an older epoch cannot resign it")
            let changes = try await store.watch(fromRevision: try await store.snapshot().revision + 1)
            try await store.resign(first, controllerEpoch: won.epoch)
            #expect(try await store.controller() == nil)
            guard case .change(let event) = await collect(1, from: changes, within: .seconds(5)).first else {
                Issue.record("no change after resign")
                return
            }
            #expect(event.change == .controllerChanged(nil))
            let next = try #require(try await store.campaign(second))
            #expect(next.brokerId == 2 && next.epoch > won.epoch)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCampaignUnderAnEndedSessionIsRefused(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let session = try await store.register(broker(1), ttl: .seconds(30))
            try await store.deregister(session)
            await #expect(throws: MetadataError.sessionExpired("\(session) is gone; register again")) {
                try await store.campaign(session)
            }
        }
    }
}
