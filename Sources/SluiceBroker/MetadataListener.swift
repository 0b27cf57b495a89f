import Logging
import SluiceCluster
import SluiceWire

/// Follows the metadata store's watch on this broker: hosts the partitions of created topics, drops deleted
/// ones, then applies each change to the ``BrokerMetadataCache`` — in that order, so a cache at revision R
/// means the logs of R are open. A compacted or ended watch re-lists (snapshot, diff, replace) and watches on.
public struct MetadataListener: Sendable {
    let store: any MetadataStore
    let cache: BrokerMetadataCache
    let replicaManager: ReplicaManager
    let logger: Logger

    public init(store: any MetadataStore, cache: BrokerMetadataCache, replicaManager: ReplicaManager, logger: Logger) {
        self.store = store
        self.cache = cache
        self.replicaManager = replicaManager
        self.logger = logger
    }

    /// The start-up load: hosts every topic of the snapshot (running log recovery) and fills the cache.
    /// Throws when a log cannot be opened or a persisted topic configuration is invalid: the broker stops.
    public func load() async throws {
        let snapshot = try await store.snapshot()
        for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) {
            try replicaManager.host(topic: topic)
        }
        cache.replace(with: snapshot)
    }

    /// Watches until cancelled. Throws only when the store cannot be read for a re-list.
    public func run() async throws {
        while !Task.isCancelled {
            let changes = try await store.watch(fromRevision: cache.revision + 1)
            for await watched in changes {
                guard case .change(let event) = watched else { break }
                apply(event)
            }
            if Task.isCancelled { return }
            logger.notice("metadata watch ended at revision \(cache.revision); re-listing")
            try await relist()
        }
    }

    /// Applies one change: the replica manager first, then the cache.
    func apply(_ event: MetadataEvent) {
        switch event.change {
        case .topicCreated(let topic): host(topic)
        case .topicDeleted(let name): replicaManager.remove(topic: name)
        case .brokerRegistered, .brokerDeregistered, .partitionChanged, .controllerChanged: break
        }
        cache.apply(event)
    }

    private func host(_ topic: TopicState) {
        do { try replicaManager.host(topic: topic) } catch {
            logger.error("cannot open the logs of topic \(topic.name): \(error)", metadata: ["sluice.topic": "\(topic.name)"])
            cache.recordHostFailure(topic: topic.name, reason: "\(error)")
        }
    }

    /// Re-reads the store: drops topics gone, hosts topics new, replaces the cache.
    func relist() async throws {
        let snapshot = try await store.snapshot()
        for name in cache.image.topics.keys where snapshot.topics[name] == nil { replicaManager.remove(topic: name) }
        for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) { host(topic) }
        cache.replace(with: snapshot)
    }
}
