import Foundation
import SluiceWire

#if canImport(Glibc)
import Glibc
#endif

/// The single-broker metadata store: one JSON file in the data directory, rewritten atomically
/// (temp file, fsync, rename, fsync of the directory) on every durable change, with etcd's semantics in memory:
/// a store revision bumped by every write, per-partition versions, leases with a TTL, a controller key bound
/// to a lease, and a bounded history that watches replay from.
///
/// Durable: topics, partition states and versions, the revision (so controller epochs — campaign revisions —
/// grow across restarts) and the producer id high mark. In memory only, as etcd's leased keys: sessions,
/// broker registrations, the controller key, the watch history.
/// Bound: `historyLimit` events kept for watches (older revisions are compacted); each watcher buffers at most
/// `historyLimit` undelivered events and is finished (the caller re-lists) when it falls further behind.
public actor EmbeddedMetadataStore: MetadataStore {
    /// File name inside a `log.dirs` entry: created in the first entry, found in whichever entry holds it
    /// (the server refuses two entries holding it, and partition directories with no entry holding it).
    public static let fileName = "cluster-metadata.json"
    /// Events kept for `watch(fromRevision:)` by default.
    public static let defaultHistoryLimit = 10_000

    private struct FileContents: Codable {
        var version: Int
        var clusterId: String
        var topics: [TopicState]
        /// The first producer id not yet handed out; absent in files written before producer ids existed.
        var nextProducerId: Int64?
        /// The store revision at the last durable write; absent in files written before revisions existed.
        var revision: Int64?
    }

    private struct Lease {
        let session: BrokerSession
        var expiresAt: Duration
        var lossWaiters: [AsyncStream<SessionLoss>.Continuation] = []
    }

    public nonisolated let description: String
    private let path: String
    private let clusterId: String
    private let now: @Sendable () -> Duration
    private let historyLimit: Int
    private var revision: Int64
    private var topics: [String: TopicState]
    /// The first producer id not yet reserved by `allocateProducerIds` (persisted before it moves).
    private var nextProducerId: Int64
    private var leases: [Int64: Lease] = [:]
    private var nextLeaseId: Int64 = 1
    private var brokers: [Int32: (info: BrokerInfo, lease: Int64)] = [:]
    private var controllerKey: (info: ControllerInfo, lease: Int64)?
    /// Committed events, oldest first, for watches; revisions below `firstWatchableRevision` are compacted.
    private var history: [MetadataEvent] = []
    private var firstWatchableRevision: Int64
    private var watchers: [Int: AsyncStream<MetadataWatchEvent>.Continuation] = [:]
    private var nextWatcherId = 0

    /// Opens (or creates) the store in `directory`; a file that exists but cannot be parsed is an error,
    /// never silently replaced, and so is a file written for another `cluster.id`. `now` is the monotonic clock
    /// session TTLs are measured on (injectable for tests).
    public init(
        directory: String, clusterId: String, historyLimit: Int = EmbeddedMetadataStore.defaultHistoryLimit,
        now: @escaping @Sendable () -> Duration = EmbeddedMetadataStore.monotonicNow
    ) throws(MetadataError) {
        precondition(historyLimit >= 1, "a watch needs at least one event of history")
        self.path = directory + "/" + Self.fileName
        self.clusterId = clusterId
        self.description = "embedded:" + directory
        self.now = now
        self.historyLimit = historyLimit
        let contents = try Self.load(path: path, clusterId: clusterId)
        let revision = max(1, contents?.revision ?? 1)
        var topics: [String: TopicState] = [:]
        for var topic in contents?.topics ?? [] {
            // Files written before versions: every partition was last written at or before the loaded revision.
            for index in topic.partitions.indices where topic.partitions[index].version == 0 {
                topic.partitions[index].version = revision
            }
            topics[topic.name] = topic
        }
        self.revision = revision
        self.topics = topics
        self.nextProducerId = contents?.nextProducerId ?? 0
        self.firstWatchableRevision = revision + 1
    }

    /// CLOCK_MONOTONIC as a duration since an arbitrary origin.
    @Sendable public static func monotonicNow() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }

    private static func load(path: String, clusterId: String) throws(MetadataError) -> FileContents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unavailable("cannot read \(path): \(error.localizedDescription)")
        }
        let contents: FileContents
        do { contents = try JSONDecoder().decode(FileContents.self, from: data) } catch {
            throw .corrupt("\(path) is not valid metadata: \(error)")
        }
        guard contents.clusterId == clusterId else {
            throw .corrupt("\(path) belongs to cluster '\(contents.clusterId)', not cluster.id '\(clusterId)'")
        }
        guard (contents.nextProducerId ?? 0) >= 0 else {
            throw .corrupt("\(path) has a negative nextProducerId \(contents.nextProducerId ?? 0)")
        }
        guard (contents.revision ?? 0) >= 0 else {
            throw .corrupt("\(path) has a negative revision \(contents.revision ?? 0)")
        }
        return contents
    }

    // MARK: Sessions

    public func register(_ broker: BrokerInfo, ttl: Duration) throws(MetadataError) -> BrokerSession {
        expireLeases()
        if let existing = brokers[broker.nodeId] {
            throw .conflict("broker \(broker.nodeId) is registered by live session \(existing.lease)")
        }
        let session = BrokerSession(id: nextLeaseId, brokerId: broker.nodeId, ttl: ttl)
        nextLeaseId += 1
        leases[session.id] = Lease(session: session, expiresAt: now() + ttl)
        brokers[broker.nodeId] = (broker, session.id)
        publish([.brokerRegistered(broker)], at: bumpRevision())
        return session
    }

    public func keepAlive(_ session: BrokerSession) throws(MetadataError) {
        expireLeases()
        guard leases[session.id] != nil else { throw .sessionExpired("\(session) is gone; register again") }
        leases[session.id]?.expiresAt = now() + session.ttl
    }

    public func sessionLoss(_ session: BrokerSession) -> AsyncStream<SessionLoss> {
        expireLeases()
        let (stream, continuation) = AsyncStream<SessionLoss>.makeStream()
        if leases[session.id] != nil {
            leases[session.id]?.lossWaiters.append(continuation)
        } else {
            continuation.yield(.expired)
            continuation.finish()
        }
        return stream
    }

    public func deregister(_ session: BrokerSession) {
        expireLeases()
        end(leaseId: session.id, because: .deregistered)
    }

    /// Ends every session whose TTL has passed (etcd's lessor does this every 500 ms). Every operation calls it
    /// first; ``runLeaseExpiry(every:)`` calls it periodically so a silent broker is noticed without one.
    public func expireLeases() {
        let instant = now()
        for (id, lease) in leases where lease.expiresAt <= instant { end(leaseId: id, because: .expired) }
    }

    /// Calls ``expireLeases()`` every `interval` until the task is cancelled.
    public func runLeaseExpiry(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            expireLeases()
        }
    }

    /// Deletes the keys bound to the lease (its broker registration, the controller key), as etcd does.
    private func end(leaseId: Int64, because loss: SessionLoss) {
        guard let lease = leases.removeValue(forKey: leaseId) else { return }
        var changes: [MetadataChange] = []
        if brokers[lease.session.brokerId]?.lease == leaseId {
            brokers[lease.session.brokerId] = nil
            changes.append(.brokerDeregistered(brokerId: lease.session.brokerId))
        }
        if controllerKey?.lease == leaseId {
            controllerKey = nil
            changes.append(.controllerChanged(nil))
        }
        if !changes.isEmpty { publish(changes, at: bumpRevision()) }
        for waiter in lease.lossWaiters {
            waiter.yield(loss)
            waiter.finish()
        }
    }

    // MARK: Reads and watch

    public func snapshot() -> ClusterSnapshot {
        expireLeases()
        return ClusterSnapshot(
            clusterId: clusterId, revision: revision, controller: controllerKey?.info,
            brokers: brokers.values.map(\.info).sorted { $0.nodeId < $1.nodeId }, topics: topics)
    }

    public func watch(fromRevision: Int64) -> AsyncStream<MetadataWatchEvent> {
        expireLeases()
        let (stream, continuation) = AsyncStream<MetadataWatchEvent>.makeStream(
            bufferingPolicy: .bufferingOldest(historyLimit))
        guard fromRevision >= firstWatchableRevision else {
            continuation.yield(.compacted(oldestRevision: firstWatchableRevision))
            continuation.finish()
            return stream
        }
        for event in history where event.revision >= fromRevision { continuation.yield(.change(event)) }
        let id = nextWatcherId
        nextWatcherId += 1
        watchers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            // Unowned on purpose: a one-hop cleanup into the actor, from a synchronous termination callback.
            Task { await self.removeWatcher(id) }
        }
        return stream
    }

    private func removeWatcher(_ id: Int) { watchers[id] = nil }

    // MARK: Controller

    public func campaign(_ session: BrokerSession) throws(MetadataError) -> ControllerInfo? {
        expireLeases()
        guard leases[session.id] != nil else { throw .sessionExpired("\(session) is gone; register again") }
        if let current = controllerKey { return current.lease == session.id ? current.info : nil }
        // The epoch is the controller key's create revision; persisting it first makes epochs grow across restarts.
        let epoch = revision + 1
        try persist(topics, revision: epoch)
        revision = epoch
        let info = ControllerInfo(brokerId: session.brokerId, epoch: epoch)
        controllerKey = (info, session.id)
        publish([.controllerChanged(info)], at: epoch)
        return info
    }

    public func resign(_ session: BrokerSession, controllerEpoch: Int64) {
        expireLeases()
        guard let current = controllerKey, current.lease == session.id, current.info.epoch == controllerEpoch else {
            return
        }
        controllerKey = nil
        publish([.controllerChanged(nil)], at: bumpRevision())
    }

    public func controller() -> ControllerInfo? {
        expireLeases()
        return controllerKey?.info
    }

    // MARK: Writes

    public func createTopic(_ topic: TopicState, fence: ControllerFence) throws(MetadataError) -> Int64 {
        try checkController(fence)
        guard topics[topic.name] == nil else { throw .topicExists(topic.name) }
        let commit = revision + 1
        var created = topic
        for index in created.partitions.indices {
            created.partitions[index].version = commit
            created.partitions[index].controllerEpoch = fence.epoch
        }
        var next = topics
        next[topic.name] = created
        try persist(next, revision: commit)
        topics = next
        revision = commit
        publish([.topicCreated(created)], at: commit)
        return commit
    }

    public func deleteTopic(named name: String, fence: ControllerFence) throws(MetadataError) -> Int64 {
        try checkController(fence)
        guard topics[name] != nil else { throw .unknownTopic(name) }
        let commit = revision + 1
        var next = topics
        next[name] = nil
        try persist(next, revision: commit)
        topics = next
        revision = commit
        publish([.topicDeleted(name: name)], at: commit)
        return commit
    }

    public func writePartition(
        topic: String, state: PartitionState, expectedVersion: Int64, fence: PartitionWriteFence
    ) throws(MetadataError) -> Int64 {
        if case .controller(let controllerFence) = fence { try checkController(controllerFence) }
        guard var current = topics[topic], current.partitions.indices.contains(Int(state.partition)) else {
            throw .unknownTopic(topic)
        }
        let existing = current.partitions[Int(state.partition)]
        guard existing.version == expectedVersion else {
            throw .conflict("\(topic)-\(state.partition) is at version \(existing.version), not \(expectedVersion)")
        }
        if case .leader(let brokerId, let leaderEpoch) = fence {
            try Self.checkIsrChange(topic: topic, existing: existing, proposed: state, leader: brokerId, epoch: leaderEpoch)
        }
        let commit = revision + 1
        var written = state
        written.version = commit
        if case .controller(let controllerFence) = fence { written.controllerEpoch = controllerFence.epoch }
        current.partitions[Int(state.partition)] = written
        var next = topics
        next[topic] = current
        try persist(next, revision: commit)
        topics = next
        revision = commit
        publish([.partitionChanged(topic: topic, state: written)], at: commit)
        assert(written.version == revision)
        return commit
    }

    /// AlterPartition's checks: the writer leads at the current leader epoch and changes the ISR alone (shared
    /// with the etcd store, so both refuse with the same messages).
    static func checkIsrChange(
        topic: String, existing: PartitionState, proposed: PartitionState, leader: Int32, epoch: Int32
    ) throws(MetadataError) {
        let name = "\(topic)-\(existing.partition)"
        guard existing.leaderEpoch == epoch else {
            throw .fenced("\(name) is at leader epoch \(existing.leaderEpoch), not \(epoch)")
        }
        guard existing.leader == leader else {
            throw .fenced("\(name) is led by broker \(existing.leader), not broker \(leader)")
        }
        guard proposed.leader == existing.leader, proposed.leaderEpoch == existing.leaderEpoch,
              proposed.replicas == existing.replicas, proposed.controllerEpoch == existing.controllerEpoch
        else {
            throw .fenced("a leader may change only the ISR of \(name)")
        }
        guard Set(proposed.isr).isSubset(of: Set(proposed.replicas)), proposed.isr.contains(leader) else {
            throw .fenced("the ISR \(proposed.isr) of \(name) must hold the leader and only assigned replicas")
        }
    }

    private func checkController(_ fence: ControllerFence) throws(MetadataError) {
        expireLeases()
        guard let current = controllerKey, current.info.epoch == fence.epoch else {
            let holder = controllerKey.map { "epoch \($0.info.epoch) (broker \($0.info.brokerId))" } ?? "no controller"
            throw .fenced("controller epoch \(fence.epoch) is not the current one: \(holder)")
        }
    }

    /// Reserves `count` ids from `nextProducerId`, persisting the new high mark before answering.
    public func allocateProducerIds(count: Int) throws(MetadataError) -> Range<Int64> {
        precondition(count >= 1, "a producer id block holds at least one id")
        let first = nextProducerId
        let (end, overflow) = first.addingReportingOverflow(Int64(count))
        guard !overflow else { throw .unavailable("producer ids exhausted at \(first)") }
        try persist(topics, revision: revision, nextProducerId: end)
        nextProducerId = end
        assert(first < end)
        return first..<end
    }

    // MARK: Commit

    /// The next revision, for an in-memory change (leased keys).
    private func bumpRevision() -> Int64 {
        revision += 1
        return revision
    }

    /// Records `changes` at `commit` in the history (compacting beyond `historyLimit`) and sends them to
    /// every watcher; a watcher whose buffer is full is finished (it re-lists).
    private func publish(_ changes: [MetadataChange], at commit: Int64) {
        precondition(commit == revision, "events are published at the revision just committed")
        for change in changes {
            let event = MetadataEvent(revision: commit, change: change)
            history.append(event)
            for (id, watcher) in watchers {
                if case .dropped = watcher.yield(.change(event)) {
                    watcher.finish()
                    watchers[id] = nil
                }
            }
        }
        if history.count > historyLimit {
            // Compaction drops whole revisions: a watch from a revision gets all of its events or `.compacted`.
            let lastDropped = history[history.count - historyLimit - 1].revision
            history.removeFirst(history.count - historyLimit)
            while history.first?.revision == lastDropped { history.removeFirst() }
            firstWatchableRevision = lastDropped + 1
        }
    }

    /// Writes the file atomically: a reader (or a crash) sees the old file or the new one, never a mix.
    private func persist(
        _ next: [String: TopicState], revision: Int64, nextProducerId: Int64? = nil
    ) throws(MetadataError) {
        let contents = FileContents(
            version: 1, clusterId: clusterId, topics: next.values.sorted { $0.name < $1.name },
            nextProducerId: nextProducerId ?? self.nextProducerId, revision: revision)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(contents)
            try AtomicFile.write(data, to: path)
        } catch {
            throw .unavailable("cannot write \(path): \(error)")
        }
    }
}
