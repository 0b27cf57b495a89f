import Foundation
import Logging
import SluiceWire

/// The cluster metadata store: etcd (3.4) over its v3 JSON gateway, with the embedded store's semantics and
/// errors (MetadataStore's table says which etcd operation implements each method; design.md "Coordination"
/// gives the key layout under `/sluice/<cluster>/`).
///
/// Sessions are etcd leases (TTL rounded up to whole seconds); a session's loss is seen by a keep-alive that
/// finds the lease gone or by a watch on its broker key seeing the DELETE. Writes are transactions that compare
/// the partition's mod_revision and the controller key's create_revision (the controller epoch); a compare that
/// fails is read back to tell `.conflict` from `.fenced`.
/// Bound: a watch buffers at most `watchBufferLimit` undelivered events and finishes (the caller re-lists) when it
/// falls further behind; a topic has at most 126 partitions (etcd's default `--max-txn-ops` 128 per create).
public actor EtcdMetadataStore: MetadataStore {
    /// Undelivered events a watch buffers before it finishes.
    public static let watchBufferLimit = 10_000

    private struct SessionRecord {
        var waiters: [AsyncStream<SessionLoss>.Continuation] = []
        /// Watches the broker key for its DELETE; cancelled when the session ends or the store shuts down.
        var lossWatch: Task<Void, Never>?
        var deregistering = false
    }

    public nonisolated let description: String
    private let gateway: EtcdGateway
    private let keys: EtcdKeys
    private let metrics: MetadataStoreMetrics?
    private let logger: Logger
    private var sessions: [Int64: SessionRecord] = [:]
    /// How the sessions this store saw end ended (lease ids are never reused: one entry per session).
    private var ended: [Int64: SessionLoss] = [:]

    /// Connects (one range request) and fails fast with `.unavailable` naming every endpoint and the cause,
    /// e.g. "etcd at 127.0.0.1:2379 is unreachable: connection refused" when none answers.
    /// `endpoints` are `host:port`, tried in order; requests stick to the one that answered last.
    public init(
        endpoints: [String], clusterId: String, metrics: MetadataStoreMetrics? = nil, logger: Logger,
        requestTimeout: Duration = .seconds(5)
    ) async throws(MetadataError) {
        precondition(!endpoints.isEmpty, "etcd needs at least one endpoint")
        precondition(requestTimeout > .zero, "a request needs time to answer")
        self.description = "etcd://" + endpoints.joined(separator: ",")
        self.gateway = EtcdGateway(endpoints: endpoints, requestTimeout: requestTimeout, metrics: metrics, logger: logger)
        self.keys = EtcdKeys(clusterId: clusterId)
        self.metrics = metrics
        self.logger = logger
        do { _ = try await range(keys.controller) } catch {
            await gateway.shutdown()
            throw error
        }
    }

    /// Stops the session watches and closes the HTTP client: every watch stream finishes, later calls fail.
    public func shutdown() async {
        for (_, record) in sessions {
            record.lossWatch?.cancel()
            for waiter in record.waiters { waiter.finish() }
        }
        sessions.removeAll()
        await gateway.shutdown()
    }

    // MARK: Sessions

    public func register(_ broker: BrokerInfo, ttl: Duration) async throws(MetadataError) -> BrokerSession {
        let grant = try await gateway.post(
            "/v3/lease/grant", EtcdWire.body(["TTL": "\(Self.wholeSeconds(ttl))"]), op: .keepalive,
            as: EtcdWire.LeaseGrantResponse.self)
        guard let leaseId = Int64(grant.id ?? ""), leaseId != 0 else {
            throw .unavailable("etcd granted no lease: \(grant.error ?? "no ID in the reply")")
        }
        let key = keys.broker(broker.nodeId)
        let reply = try await txn(
            compare: [Self.compare(key, .create, equal: 0)],
            success: [Self.put(key, EtcdKeys.encode(broker), lease: leaseId)], failure: [Self.get(key)])
        guard reply.succeeded == true else {
            let holder = Self.ranged(reply, 0)?.leaseValue ?? 0
            try? await revoke(leaseId)
            throw .conflict("broker \(broker.nodeId) is registered by live session \(holder)")
        }
        sessions[leaseId] = SessionRecord()
        metrics?.sessionStarted()
        return BrokerSession(id: leaseId, brokerId: broker.nodeId, ttl: ttl)
    }

    public func keepAlive(_ session: BrokerSession) async throws(MetadataError) {
        let reply = try await gateway.post(
            "/v3/lease/keepalive", EtcdWire.body(["ID": "\(session.id)"]), op: .keepalive,
            as: EtcdWire.StreamMessage<EtcdWire.LeaseKeepAliveResponse>.self)
        if let error = reply.error { throw .unavailable("etcd refused the keep-alive of \(session): \(error.text)") }
        guard let ttl = Int64(reply.result?.ttl ?? ""), ttl > 0 else {
            end(session.id, because: .expired)
            throw .sessionExpired("\(session) is gone; register again")
        }
    }

    public func sessionLoss(_ session: BrokerSession) async -> AsyncStream<SessionLoss> {
        let (stream, continuation) = AsyncStream<SessionLoss>.makeStream()
        if let loss = ended[session.id] {
            continuation.yield(loss)
            continuation.finish()
            return stream
        }
        sessions[session.id, default: SessionRecord()].waiters.append(continuation)
        guard sessions[session.id]?.lossWatch == nil else { return stream }
        // Is the broker key still this session's? Then watch it from the revision that says so.
        let key = keys.broker(session.brokerId)
        guard let current = try? await range(key) else { return stream }
        guard ended[session.id] == nil, sessions[session.id] != nil else { return stream }
        guard let kv = current.kvs?.first, kv.leaseValue == session.id else {
            end(session.id, because: .expired)
            return stream
        }
        let body = Self.watchBody(key: key, rangeEnd: nil, fromRevision: Self.revision(current.header) + 1)
        let leaseId = session.id
        sessions[session.id]?.lossWatch = Task { [gateway, weak self] in
            let deleted = await Self.awaitDelete(gateway: gateway, body: body)
            if deleted { await self?.brokerKeyDeleted(leaseId: leaseId) }
        }
        return stream
    }

    public func deregister(_ session: BrokerSession) async throws(MetadataError) {
        sessions[session.id]?.deregistering = true
        sessions[session.id]?.lossWatch?.cancel()
        do { try await revoke(session.id) } catch {
            // A lease already gone is deregistered all the same; an unreachable etcd is not.
            guard case .sessionExpired = error else { throw error }
        }
        end(session.id, because: .deregistered)
    }

    private func revoke(_ leaseId: Int64) async throws(MetadataError) {
        let _: EtcdWire.RangeResponse = try await gateway.post(
            "/v3/lease/revoke", EtcdWire.body(["ID": "\(leaseId)"]), op: .keepalive, as: EtcdWire.RangeResponse.self,
            refusal: { reply in
                // Already gone (expired): revoking it is done.
                reply.text.contains("lease not found") ? .sessionExpired("lease \(leaseId) is gone") : nil
            })
    }

    private func brokerKeyDeleted(leaseId: Int64) {
        guard sessions[leaseId]?.deregistering != true else { return }
        end(leaseId, because: .expired)
    }

    /// Tells every waiter how the session ended, once.
    private func end(_ leaseId: Int64, because loss: SessionLoss) {
        guard ended[leaseId] == nil else { return }
        ended[leaseId] = loss
        let record = sessions.removeValue(forKey: leaseId)
        record?.lossWatch?.cancel()
        for waiter in record?.waiters ?? [] {
            waiter.yield(loss)
            waiter.finish()
        }
        if loss == .expired { metrics?.sessionExpired() }
        logger.info("etcd: lease \(leaseId) ended: \(loss)")
    }

    /// Watches one key until it is deleted (true) or the watch ends first (false).
    private static func awaitDelete(gateway: EtcdGateway, body: Data) async -> Bool {
        guard let response = try? await gateway.open("/v3/watch", body) else { return false }
        var reader = EtcdStreamReader<EtcdWire.StreamMessage<EtcdWire.WatchResponse>>(response.body)
        while let message = await reader.next() {
            guard let result = message.result, result.canceled != true else { return false }
            if (result.events ?? []).contains(where: { $0.type == "DELETE" }) { return true }
        }
        return false
    }

    // MARK: Reads and watch

    public func snapshot() async throws(MetadataError) -> ClusterSnapshot {
        let reply = try await range(keys.prefix, rangeEnd: EtcdWire.prefixEnd(keys.prefix))
        return try keys.snapshot(reply.kvs ?? [], revision: Self.revision(reply.header))
    }

    public func watch(fromRevision: Int64) async throws(MetadataError) -> AsyncStream<MetadataWatchEvent> {
        let (events, continuation) = AsyncStream<MetadataWatchEvent>.makeStream(
            bufferingPolicy: .bufferingOldest(Self.watchBufferLimit))
        let (ready, readiness) = AsyncStream<MetadataError?>.makeStream()
        let body = Self.watchBody(
            key: keys.prefix, rangeEnd: EtcdWire.prefixEnd(keys.prefix), fromRevision: max(1, fromRevision))
        // Owned by the stream: cancelled when its consumer stops, and it finishes the stream when etcd does.
        let feeder = Task { [gateway, keys, logger] in
            await EtcdWatchFeed(gateway: gateway, keys: keys, logger: logger).run(
                body: body, events: continuation, ready: readiness)
        }
        continuation.onTermination = { _ in feeder.cancel() }
        let timeout = gateway.requestTimeout
        let failure = await withTaskGroup(of: MetadataError?.self) { group in
            group.addTask {
                for await outcome in ready { return outcome }
                return .unavailable("the watch ended before etcd created it")
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .unavailable("etcd did not create the watch within \(timeout)")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let failure {
            feeder.cancel()
            continuation.finish()
            throw failure
        }
        return events
    }

    // MARK: Controller

    public func campaign(_ session: BrokerSession) async throws(MetadataError) -> ControllerInfo? {
        guard ended[session.id] == nil else { throw .sessionExpired("\(session) is gone; register again") }
        let key = keys.controller
        let reply = try await txn(
            compare: [Self.compare(key, .create, equal: 0)],
            success: [Self.put(key, Data("\(session.brokerId)".utf8), lease: session.id)],
            failure: [Self.get(key)],
            refusal: Self.leaseRefusal(session))
        if reply.succeeded == true { return ControllerInfo(brokerId: session.brokerId, epoch: Self.revision(reply.header)) }
        guard let kv = Self.ranged(reply, 0) else { return nil }
        return kv.leaseValue == session.id ? try keys.controllerInfo(kv) : nil
    }

    public func resign(_ session: BrokerSession, controllerEpoch: Int64) async throws(MetadataError) {
        let key = keys.controller
        _ = try await txn(
            compare: [Self.compare(key, .create, equal: controllerEpoch), Self.compare(key, .lease, equal: session.id)],
            success: [Self.delete(key)], failure: [])
    }

    public func controller() async throws(MetadataError) -> ControllerInfo? {
        guard let kv = try await range(keys.controller).kvs?.first else { return nil }
        return try keys.controllerInfo(kv)
    }

    // MARK: Writes

    public func createTopic(_ topic: TopicState, fence: ControllerFence) async throws(MetadataError) -> Int64 {
        let topicKey = keys.topic(topic.name)
        var success = [Self.put(topicKey, EtcdKeys.encodeTopic(configs: topic.configs))]
        for partition in topic.partitions {
            success.append(Self.put(
                keys.partition(topic.name, partition.partition),
                EtcdKeys.encode(partition, controllerEpoch: fence.epoch)))
        }
        let reply = try await txn(
            compare: [Self.compare(keys.controller, .create, equal: fence.epoch), Self.compare(topicKey, .create, equal: 0)],
            success: success, failure: [Self.get(keys.controller)])
        guard reply.succeeded == true else {
            try checkFence(fence, controllerKey: Self.ranged(reply, 0))
            throw .topicExists(topic.name)
        }
        return Self.revision(reply.header)
    }

    public func deleteTopic(named name: String, fence: ControllerFence) async throws(MetadataError) -> Int64 {
        let topicKey = keys.topic(name)
        let reply = try await txn(
            compare: [
                Self.compare(keys.controller, .create, equal: fence.epoch),
                Self.compare(topicKey, .create, greaterThan: 0),
            ],
            success: [Self.delete(topicKey), Self.delete(topicKey + "/", rangeEnd: EtcdWire.prefixEnd(topicKey + "/"))],
            failure: [Self.get(keys.controller)])
        guard reply.succeeded == true else {
            try checkFence(fence, controllerKey: Self.ranged(reply, 0))
            throw .unknownTopic(name)
        }
        return Self.revision(reply.header)
    }

    public func writePartition(
        topic: String, state: PartitionState, expectedVersion: Int64, fence: PartitionWriteFence
    ) async throws(MetadataError) -> Int64 {
        let key = keys.partition(topic, state.partition)
        var compares = [Self.compare(key, .create, greaterThan: 0), Self.compare(key, .mod, equal: expectedVersion)]
        let controllerEpoch: Int64
        switch fence {
        case .controller(let controllerFence):
            compares.append(Self.compare(keys.controller, .create, equal: controllerFence.epoch))
            controllerEpoch = controllerFence.epoch
        case .leader(let brokerId, let leaderEpoch):
            let existing = try await readPartition(topic: topic, key: key, expectedVersion: expectedVersion)
            try EmbeddedMetadataStore.checkIsrChange(
                topic: topic, existing: existing, proposed: state, leader: brokerId, epoch: leaderEpoch)
            controllerEpoch = existing.controllerEpoch
        }
        let reply = try await txn(
            compare: compares, success: [Self.put(key, EtcdKeys.encode(state, controllerEpoch: controllerEpoch))],
            failure: [Self.get(keys.controller), Self.get(key)])
        guard reply.succeeded == true else {
            if case .controller(let controllerFence) = fence {
                try checkFence(controllerFence, controllerKey: Self.ranged(reply, 0))
            }
            guard let current = Self.ranged(reply, 1) else { throw .unknownTopic(topic) }
            throw .conflict("\(topic)-\(state.partition) is at version \(current.modRevisionValue), not \(expectedVersion)")
        }
        return Self.revision(reply.header)
    }

    /// The partition's state at `expectedVersion`: `.unknownTopic` when absent, `.conflict` at another version.
    private func readPartition(
        topic: String, key: String, expectedVersion: Int64
    ) async throws(MetadataError) -> PartitionState {
        guard let kv = try await range(key).kvs?.first else { throw .unknownTopic(topic) }
        let existing = try keys.partitionState(kv)
        guard existing.version == expectedVersion else {
            throw .conflict("\(topic)-\(existing.partition) is at version \(existing.version), not \(expectedVersion)")
        }
        return existing
    }

    /// `.fenced` unless the controller key (read back after a failed compare) is still at `fence`'s epoch.
    private func checkFence(_ fence: ControllerFence, controllerKey: EtcdWire.KeyValue?) throws(MetadataError) {
        var current: ControllerInfo?
        if let controllerKey { current = try keys.controllerInfo(controllerKey) }
        guard let current, current.epoch == fence.epoch else {
            let holder = current.map { "epoch \($0.epoch) (broker \($0.brokerId))" } ?? "no controller"
            throw .fenced("controller epoch \(fence.epoch) is not the current one: \(holder)")
        }
    }

    /// Reserves `count` ids: read the high mark, then CAS it forward on its mod_revision until that wins.
    /// Bound: 64 lost races, then `.conflict`.
    public func allocateProducerIds(count: Int) async throws(MetadataError) -> Range<Int64> {
        precondition(count >= 1, "a producer id block holds at least one id")
        let key = keys.producerIds
        for _ in 0..<64 {
            let kv = try await range(key).kvs?.first
            var first: Int64 = 0
            if let kv {
                guard let value = Int64(String(decoding: kv.valueData, as: UTF8.self)), value >= 0 else {
                    throw .corrupt("\(key) does not hold a producer id")
                }
                first = value
            }
            let (end, overflow) = first.addingReportingOverflow(Int64(count))
            guard !overflow else { throw .unavailable("producer ids exhausted at \(first)") }
            let compare = kv.map { Self.compare(key, .mod, equal: $0.modRevisionValue) } ?? Self.compare(key, .create, equal: 0)
            let reply = try await txn(compare: [compare], success: [Self.put(key, Data("\(end)".utf8))], failure: [])
            if reply.succeeded == true { return first..<end }
        }
        throw .conflict("\(key): 64 concurrent allocations won before this one")
    }

    // MARK: Requests

    private func range(_ key: String, rangeEnd: String? = nil) async throws(MetadataError) -> EtcdWire.RangeResponse {
        var request: [String: Any] = ["key": EtcdWire.encode(key)]
        if let rangeEnd { request["range_end"] = rangeEnd }
        return try await gateway.post("/v3/kv/range", EtcdWire.body(request), op: .get, as: EtcdWire.RangeResponse.self)
    }

    private func txn(
        compare: [[String: Any]], success: [[String: Any]], failure: [[String: Any]],
        refusal: @escaping @Sendable (EtcdWire.ErrorReply) -> MetadataError? = { _ in nil }
    ) async throws(MetadataError) -> EtcdWire.TxnResponse {
        let body = EtcdWire.body(["compare": compare, "success": success, "failure": failure])
        return try await gateway.post("/v3/kv/txn", body, op: .txn, as: EtcdWire.TxnResponse.self, refusal: refusal)
    }

    private static func leaseRefusal(_ session: BrokerSession) -> @Sendable (EtcdWire.ErrorReply) -> MetadataError? {
        { reply in reply.text.contains("lease not found") ? .sessionExpired("\(session) is gone; register again") : nil }
    }

    private enum Target: String {
        case create = "CREATE", mod = "MOD", lease = "LEASE"

        var field: String {
            switch self {
            case .create: "create_revision"
            case .mod: "mod_revision"
            case .lease: "lease"
            }
        }
    }

    private static func compare(_ key: String, _ target: Target, equal value: Int64) -> [String: Any] {
        ["key": EtcdWire.encode(key), "target": target.rawValue, "result": "EQUAL", target.field: "\(value)"]
    }

    private static func compare(_ key: String, _ target: Target, greaterThan value: Int64) -> [String: Any] {
        ["key": EtcdWire.encode(key), "target": target.rawValue, "result": "GREATER", target.field: "\(value)"]
    }

    private static func put(_ key: String, _ value: Data, lease: Int64? = nil) -> [String: Any] {
        var put: [String: Any] = ["key": EtcdWire.encode(key), "value": EtcdWire.encode(value)]
        if let lease { put["lease"] = "\(lease)" }
        return ["request_put": put]
    }

    private static func get(_ key: String) -> [String: Any] { ["request_range": ["key": EtcdWire.encode(key)]] }

    private static func delete(_ key: String, rangeEnd: String? = nil) -> [String: Any] {
        var delete: [String: Any] = ["key": EtcdWire.encode(key)]
        if let rangeEnd { delete["range_end"] = rangeEnd }
        return ["request_delete_range": delete]
    }

    static func watchBody(key: String, rangeEnd: String?, fromRevision: Int64) -> Data {
        var create: [String: Any] = ["key": EtcdWire.encode(key), "start_revision": "\(fromRevision)"]
        if let rangeEnd { create["range_end"] = rangeEnd }
        return EtcdWire.body(["create_request": create])
    }

    /// The first key-value of the `index`th range of a txn reply.
    private static func ranged(_ reply: EtcdWire.TxnResponse, _ index: Int) -> EtcdWire.KeyValue? {
        guard let responses = reply.responses, responses.indices.contains(index) else { return nil }
        return responses[index].responseRange?.kvs?.first
    }

    private static func revision(_ header: EtcdWire.Header?) -> Int64 { Int64(header?.revision ?? "") ?? 0 }

    /// etcd leases take whole seconds: `ttl` rounded up, at least 1.
    static func wholeSeconds(_ ttl: Duration) -> Int64 {
        let (seconds, attoseconds) = ttl.components
        return max(1, attoseconds > 0 ? seconds + 1 : seconds)
    }
}
