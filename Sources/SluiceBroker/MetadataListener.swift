import Logging
import SluiceCluster
import SluiceWire

/// Follows the metadata store's watch on this broker: hosts the partitions of created topics, drops deleted
/// ones, moves hosted partitions to the role a changed partition state names (leader, follower, offline),
/// then applies each change to the ``BrokerMetadataCache`` — in that order, so a cache at revision R means
/// the logs and roles of R are in place. A compacted or ended watch re-lists (snapshot, diff, replace) and
/// watches on. After each revision it refreshes the controller's cluster gauges.
public struct MetadataListener: Sendable {
    let store: any MetadataStore
    let cache: BrokerMetadataCache
    let replicaManager: ReplicaManager
    let controllerMetrics: ControllerMetrics?
    let logger: Logger

    public init(
        store: any MetadataStore, cache: BrokerMetadataCache, replicaManager: ReplicaManager,
        controllerMetrics: ControllerMetrics? = nil, logger: Logger
    ) {
        self.store = store
        self.cache = cache
        self.replicaManager = replicaManager
        self.controllerMetrics = controllerMetrics
        self.logger = logger
    }

    /// The start-up load: hosts every topic of the snapshot (running log recovery) and fills the cache.
    /// Throws when a log cannot be opened or a persisted topic configuration is invalid: the broker stops.
    public func load(opened: (TopicPartition) -> Void = { _ in }) async throws {
        let snapshot = try await store.snapshot()
        for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) {
            try replicaManager.host(topic: topic, opened: opened)
        }
        cache.replace(with: snapshot)
        publishClusterGauges()
    }

    /// Watches until cancelled. A store that cannot be reached (etcd down) is retried every `retryInterval`;
    /// meanwhile the broker serves from the cache it has.
    public func run(retryInterval: Duration = .milliseconds(500)) async throws {
        var needsRelist = false
        while !Task.isCancelled {
            do {
                if needsRelist { try await relist() }
                needsRelist = true
                let changes = try await store.watch(fromRevision: cache.revision + 1)
                for await watched in changes {
                    guard case .change(let event) = watched else { break }
                    await apply(event)
                }
                if Task.isCancelled { return }
                logger.notice("metadata watch ended at revision \(cache.revision); re-listing")
            } catch {
                logger.warning("metadata store unreachable at revision \(cache.revision): \(error); retrying")
                try await Task.sleep(for: retryInterval)
            }
        }
    }

    /// Applies every hosted partition's state in the cache again (after the broker dropped its roles because its
    /// session was lost, and registered again).
    public func reapplyRoles() {
        for topic in cache.image.topics.values {
            for state in topic.partitions { applyRole(topic: topic.name, state) }
        }
    }

    /// Applies one change: the replica manager first, then the cache.
    func apply(_ event: MetadataEvent) async {
        switch event.change {
        case .topicCreated(let topic): host(topic)
        case .topicDeleted(let name): await replicaManager.remove(topic: name)
        case .partitionChanged(let topic, let state): applyRole(topic: topic, state)
        case .brokerRegistered, .brokerDeregistered, .controllerChanged: break
        }
        cache.apply(event)
        publishClusterGauges()
    }

    private func host(_ topic: TopicState) {
        do { try replicaManager.host(topic: topic) } catch {
            logger.error("cannot open the logs of topic \(topic.name): \(error)", metadata: ["sluice.topic": "\(topic.name)"])
            cache.recordHostFailure(topic: topic.name, reason: "\(error)")
        }
    }

    /// Moves the hosted partition to the role `state` names. A state at an older leader epoch than the
    /// partition's (a replayed or reordered write) is ignored with a warning: transitions never go back.
    private func applyRole(topic: String, _ state: PartitionState) {
        let topicPartition = TopicPartition(topic: topic, partition: state.partition)
        do {
            guard let changed = try replicaManager.applyPartitionState(topicPartition, state), changed else { return }
            let role = state.leader == replicaManager.brokerId
                ? "leader" : state.leader == -1 ? "offline" : "follower of broker \(state.leader)"
            logger.notice(
                "partition \(topicPartition) is now \(role) at leader epoch \(state.leaderEpoch)",
                metadata: ["sluice.topic": "\(topic)"])
        } catch {
            logger.warning("ignoring metadata for \(topicPartition): \(error)", metadata: ["sluice.topic": "\(topic)"])
        }
    }

    /// The controller's gauges from the cache: who holds the office, and (there) brokers alive and offline
    /// partitions.
    private func publishClusterGauges() {
        guard let controllerMetrics else { return }
        let image = cache.image
        let offline = image.topics.values.reduce(0) { count, topic in
            count + topic.partitions.count(where: { $0.leader == -1 })
        }
        controllerMetrics.observe(
            controller: image.controller, localBrokerId: replicaManager.brokerId, brokersAlive: image.brokers.count,
            offlinePartitions: offline)
    }

    /// Re-reads the store: drops topics gone, hosts topics new, replaces the cache.
    func relist() async throws {
        let snapshot = try await store.snapshot()
        for name in cache.image.topics.keys where snapshot.topics[name] == nil { await replicaManager.remove(topic: name) }
        for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) {
            host(topic)
            // A role change inside the compacted gap arrives only as the snapshot's state.
            for state in topic.partitions { applyRole(topic: topic.name, state) }
        }
        cache.replace(with: snapshot)
        publishClusterGauges()
    }
}
