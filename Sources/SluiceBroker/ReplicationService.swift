import Logging
import NIOCore
import SluiceCluster
import SluiceObservability
import SluiceWire
import Synchronization

/// The replica fetcher's settings (Kafka's key names).
public struct ReplicationConfig: Sendable, Hashable {
    /// `replica.lag.time.max.ms`: a follower not caught up for this long leaves the ISR.
    public var replicaLagTimeMaxMs: Int64
    /// `replica.fetch.wait.max.ms`: a follower's fetch long-polls the leader this long.
    public var replicaFetchWaitMaxMs: Int32
    /// `replica.fetch.min.bytes`.
    public var replicaFetchMinBytes: Int32
    /// `replica.fetch.max.bytes`: per partition.
    public var replicaFetchMaxBytes: Int32
    /// `replica.fetch.response.max.bytes`: per fetch.
    public var replicaFetchResponseMaxBytes: Int32
    /// `replica.fetch.backoff.ms`: wait after a failed fetch or a partition error.
    public var replicaFetchBackoffMs: Int64

    public init(
        replicaLagTimeMaxMs: Int64 = 30_000, replicaFetchWaitMaxMs: Int32 = 500, replicaFetchMinBytes: Int32 = 1,
        replicaFetchMaxBytes: Int32 = 1_048_576, replicaFetchResponseMaxBytes: Int32 = 10_485_760,
        replicaFetchBackoffMs: Int64 = 1000
    ) {
        precondition(replicaLagTimeMaxMs >= 1, "replica.lag.time.max.ms must be positive")
        self.replicaLagTimeMaxMs = replicaLagTimeMaxMs
        self.replicaFetchWaitMaxMs = replicaFetchWaitMaxMs
        self.replicaFetchMinBytes = replicaFetchMinBytes
        self.replicaFetchMaxBytes = replicaFetchMaxBytes
        self.replicaFetchResponseMaxBytes = replicaFetchResponseMaxBytes
        self.replicaFetchBackoffMs = replicaFetchBackoffMs
    }
}

/// Replication on this broker: one ``ReplicaFetcher`` per leader broker this one follows partitions of (started
/// when a role change names a new leader, ended when it follows nothing there), and the leader's ISR check —
/// shrink followers that lag more than `replica.lag.time.max.ms`, expand those that caught up — written to the
/// store as Kafka's AlterPartition (a CAS fenced by the leader epoch) and applied locally once committed.
public struct ReplicationService: Sendable {
    let replicaManager: ReplicaManager
    let store: any MetadataStore
    let cache: BrokerMetadataCache
    let eventLoopGroup: any EventLoopGroup
    let config: ReplicationConfig
    let logger: Logger
    /// Leaders with a fetcher running. A fetcher leaves only under this lock, after seeing it has nothing left.
    private let fetching = LeaderSet()

    public init(
        replicaManager: ReplicaManager, store: any MetadataStore, cache: BrokerMetadataCache,
        eventLoopGroup: any EventLoopGroup, config: ReplicationConfig, logger: Logger
    ) {
        self.replicaManager = replicaManager
        self.store = store
        self.cache = cache
        self.eventLoopGroup = eventLoopGroup
        self.config = config
        self.logger = logger
    }

    /// Fetchers and ISR checks until the task is cancelled.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await runIsrChecks() }
            // Bound: one pass per role change (or second); each starts at most one fetcher per leader.
            while !Task.isCancelled {
                let waker = Waker()
                replicaManager.roleChangeSignal.register(waker)
                for leader in followedLeaders() where claim(leader) {
                    let fetcher = ReplicaFetcher(
                        leaderId: leader, replicaManager: replicaManager, cache: cache, eventLoopGroup: eventLoopGroup,
                        config: config, logger: logger)
                    group.addTask { await fetcher.run(until: { release(leader) }) }
                }
                _ = await waker.wait(timeout: .seconds(1))
                replicaManager.roleChangeSignal.unregister(waker)
            }
            group.cancelAll()
        }
    }

    private func followedLeaders() -> Set<Int32> {
        Set(replicaManager.allPartitions.compactMap { $0.followedLeader?.leaderId })
    }

    /// Marks `leader` as fetched from; false when a fetcher for it runs already.
    private func claim(_ leader: Int32) -> Bool { fetching.running.withLock { $0.insert(leader).inserted } }

    /// A fetcher asks to end: granted (true) when no hosted partition follows `leader` any more — checked under
    /// the lock the supervisor claims under, so a partition that starts following it meanwhile is never orphaned.
    private func release(_ leader: Int32) -> Bool {
        fetching.running.withLock { running in
            let stillFollowed = replicaManager.allPartitions.contains { $0.followedLeader?.leaderId == leader }
            guard !stillFollowed else { return false }
            running.remove(leader)
            return true
        }
    }

    // MARK: ISR

    /// Every `replica.lag.time.max.ms / 2` (or at once when a follower caught up), each led partition's wanted
    /// ISR is proposed to the store; follower lag gauges are refreshed on the same beat.
    private func runIsrChecks() async throws {
        let interval = Duration.milliseconds(max(1, config.replicaLagTimeMaxMs / 2))
        while !Task.isCancelled {
            let waker = Waker()
            replicaManager.isrChangeSignal.register(waker)
            for partition in replicaManager.allPartitions where partition.isLeader {
                partition.publishFollowerLag()
                guard let proposal = partition.isrProposal(
                    nowMs: replicaManager.clock(), lagTimeMaxMs: config.replicaLagTimeMaxMs)
                else { continue }
                await alterPartition(partition, proposal)
            }
            _ = await waker.wait(timeout: interval)
            replicaManager.isrChangeSignal.unregister(waker)
        }
    }

    /// Kafka's AlterPartition: the new ISR, CAS on the version this broker's metadata holds, fenced by the
    /// leader epoch; applied locally (same-epoch makeLeader keeps follower progress) and reported once
    /// committed. A lost compare or a fence is left for the next check (the watch brings the newer state).
    private func alterPartition(_ partition: Partition, _ proposal: Partition.IsrProposal) async {
        let topicPartition = partition.topicPartition
        guard var state = cache.image.topics[topicPartition.topic]?.partitions.first(where: {
            $0.partition == topicPartition.partition
        }), state.leader == replicaManager.brokerId, state.leaderEpoch == proposal.leaderEpoch else { return }
        let expectedVersion = state.version
        state.isr = proposal.isrAfter
        do {
            state.version = try await store.writePartition(
                topic: topicPartition.topic, state: state, expectedVersion: expectedVersion,
                fence: .leader(brokerId: replicaManager.brokerId, leaderEpoch: proposal.leaderEpoch))
        } catch {
            logger.info("ISR change of \(topicPartition) not committed: \(error)", metadata: ["sluice.topic": "\(topicPartition.topic)"])
            return
        }
        // Applying reports it (isr_shrink / isr_expand / under_min_isr), as for the controller's ISR changes.
        do { try replicaManager.applyPartitionState(topicPartition, state) } catch {
            logger.warning("committed ISR of \(topicPartition) not applied: \(error)")
        }
    }
}

/// The leaders with a fetcher running (a class: a Mutex cannot live in a copyable struct).
private final class LeaderSet: Sendable {
    let running = Mutex<Set<Int32>>([])
}
