import Logging
import Prometheus
import SluiceCluster
import SluiceTestSupport
import SluiceWire
import Testing

/// Broker sessions as etcd leases, against a real etcd: keep-alive, expiry (TTL 1 s, etcd's minimum here),
/// deregister, duplicate ids, and connecting to etcds that are down, frozen or back.
@Suite struct EtcdMetadataStoreSessionTests {
    @Test func aSessionKeptAlivePastItsTTLStaysRegistered() async throws {
        try await withEtcdStore { store, _ in
            let session = try await store.register(broker(1), ttl: .milliseconds(300))
            #expect(session.brokerId == 1 && session.id != 0)
            let end = ContinuousClock.now + .milliseconds(1_800)
            while ContinuousClock.now < end {
                try await store.keepAlive(session)
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(try await store.snapshot().brokers == [broker(1)], "TTL 300 ms rounds up to 1 s, kept alive")
        }
    }

    @Test func aSessionWithoutKeepAliveExpiresAndItsLossSaysSo() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = MetadataStoreMetrics(registry: registry)
        try await withEtcdStore(metrics: metrics) { store, _ in
            // The TTL runs from the lease's grant, inside register: measured from before it, so time spent
            // registering and campaigning (long on a loaded machine) is not mistaken for an early expiry.
            let started = ContinuousClock.now
            let session = try await store.register(broker(1), ttl: .seconds(1))
            let controller = try #require(try await store.campaign(session))
            #expect(registry.emitToString().contains("sluice_metadata_store_up 1"))
            let loss = await store.sessionLoss(session)
            #expect(await first(of: loss, within: .seconds(5)) == .expired)
            #expect(ContinuousClock.now - started >= .milliseconds(900), "not before the TTL")
            let snapshot = try await store.snapshot()
            #expect(snapshot.brokers.isEmpty)
            #expect(snapshot.controller == nil, "the controller key of epoch \(controller.epoch) went with the lease")
            await #expect(throws: MetadataError.sessionExpired("\(session) is gone; register again")) {
                try await store.keepAlive(session)
            }
            #expect(await first(of: await store.sessionLoss(session), within: .seconds(1)) == .expired, "at once")
            let exposition = registry.emitToString()
            #expect(exposition.contains("sluice_broker_session_losses_total 1"))
            #expect(exposition.contains("sluice_metadata_store_up 0"))
            for op in ["get", "txn", "keepalive", "watch"] {
                #expect(exposition.contains("sluice_metadata_store_request_seconds_count{op=\"\(op)\"}"))
            }
            _ = try await store.register(broker(1), ttl: .seconds(30))
            #expect(registry.emitToString().contains("sluice_metadata_store_up 1"), "a new session is up again")
        }
    }

    @Test func deregisterEndsTheSessionAndFreesTheBrokerId() async throws {
        try await withEtcdStore { store, _ in
            let session = try await store.register(broker(3), ttl: .seconds(30))
            _ = try #require(try await store.campaign(session))
            let refusal = await #expect(throws: MetadataError.self) {
                try await store.register(broker(3), ttl: .seconds(30))
            }
            #expect(refusal == .conflict("broker 3 is registered by live session \(session.id)"))
            let loss = await store.sessionLoss(session)
            try await store.deregister(session)
            #expect(await first(of: loss, within: .seconds(5)) == .deregistered)
            let snapshot = try await store.snapshot()
            #expect(snapshot.brokers.isEmpty && snapshot.controller == nil)
            let again = try await store.register(broker(3), ttl: .seconds(30))
            #expect(again.id != session.id, "lease ids are never reused")
            await #expect(throws: MetadataError.sessionExpired("\(session) is gone; register again")) {
                try await store.campaign(session)
            }
        }
    }

    @Test func unreachableEndpointsAreNamedWithTheCause() async throws {
        let ports = try EtcdProcess.freePorts(2)
        let endpoints = ports.map { "127.0.0.1:\($0)" }
        let refusal = await #expect(throws: MetadataError.self) {
            _ = try await EtcdMetadataStore(endpoints: endpoints, clusterId: "c", logger: Logger(label: "t"))
        }
        #expect(refusal == .unavailable("etcd at \(endpoints[0]), \(endpoints[1]) is unreachable: connection refused"))
    }

    @Test func aDeadFirstEndpointFailsOverToTheNext() async throws {
        let etcd = try await EtcdProcess()
        let dead = "127.0.0.1:\(try EtcdProcess.freePorts(1)[0])"
        let store = try await EtcdMetadataStore(
            endpoints: [dead, etcd.endpoint], clusterId: "c", logger: Logger(label: "t"))
        let session = try await store.register(broker(1), ttl: .seconds(30))
        try await store.keepAlive(session)
        let snapshot = try await store.snapshot()
        await store.shutdown()
        #expect(snapshot.brokers == [broker(1)])
        #expect(store.description == "etcd://\(dead),\(etcd.endpoint)")
    }

    @Test func anEtcdThatIsDownIsUnavailableAndTheSessionSurvivesItsReturn() async throws {
        try await withEtcdStore(requestTimeout: .milliseconds(500)) { store, etcd in
            let session = try await store.register(broker(1), ttl: .seconds(30))
            etcd.stop()
            let down = await #expect(throws: MetadataError.self) { try await store.keepAlive(session) }
            guard case .unavailable(let why)? = down else {
                Issue.record("expected unavailable, got \(String(describing: down))")
                return
            }
            #expect(why.contains("etcd at \(etcd.endpoint) is unreachable"))
            try await etcd.start()
            try await store.keepAlive(session)
            #expect(try await store.snapshot().brokers == [broker(1)], "the lease outlived the outage")
        }
    }

    @Test func aFrozenEtcdIsUnavailableWithinTheRequestTimeout() async throws {
        try await withEtcdStore(requestTimeout: .milliseconds(500)) { store, etcd in
            let session = try await store.register(broker(1), ttl: .seconds(30))
            etcd.pause()
            let started = ContinuousClock.now
            let frozen = await #expect(throws: MetadataError.self) { try await store.keepAlive(session) }
            etcd.resume()
            #expect(ContinuousClock.now - started < .seconds(3))
            guard case .unavailable(let why)? = frozen else {
                Issue.record("expected unavailable, got \(String(describing: frozen))")
                return
            }
            #expect(why.contains("no answer within"), "\(why)")
            try await store.keepAlive(session)
        }
    }
}
