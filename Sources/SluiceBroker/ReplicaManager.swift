import Foundation
import Logging
import NIOCore
import SluiceCluster
import SluiceObservability
import SluiceStorage
import SluiceWire
import Synchronization

/// The partitions this broker hosts, and the data-plane APIs over them: Produce, Fetch, ListOffsets.
///
/// Lookups take one short lock per partition per request; appends run on the caller's task.
public final class ReplicaManager: Sendable {
    public let brokerId: Int32
    /// The `log.dirs` entries and where each partition directory lives among them.
    public let logDirectories: LogDirectoryLayout
    /// Where topic configurations are persisted (the embedded store's file), named when one is refused.
    let topicConfigSource: String
    let baseLogConfig: LogConfig
    let defaultMinInsyncReplicas: Int
    let metrics: BrokerMetrics
    let events: EventEmitter
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// `producer.id.expiration.ms`: an idempotent producer idle this long is forgotten by the maintenance pass.
    let producerIdExpirationMs: Int64
    /// Where the logs run the fsyncs and checkpoint writes of appends (the server's `num.io.threads` pool).
    let blockingIO: BlockingIO?
    private let partitions = Mutex<[TopicPartition: Partition]>([:])
    /// Fetch long-polls woken by a partition's signal (not by their timeout); tests observe it.
    let fetchWakeups = Atomic<Int>(0)
    /// acks=all requests parked until HW passes their batches (`sluice_broker_produce_purgatory_size`).
    let purgatorySize = Atomic<Int>(0)
    /// Signalled when a hosted partition's role changes (the replica fetchers re-read who to follow).
    let roleChangeSignal = PartitionSignal()
    /// Signalled when a follower outside the ISR of a partition led here caught up (the ISR check runs at once).
    let isrChangeSignal = PartitionSignal()

    /// A replica manager over the scanned and locked `log.dirs` entries of `logDirectories` (`log.dirs`).
    /// `topicConfigSource` names where topic configurations are persisted (for errors);
    /// `producerIdExpirationMs` is `producer.id.expiration.ms` (Kafka's default: one day). Removes partition
    /// directories a previous run renamed for deletion but did not remove. `blockingIO` runs the fsyncs and
    /// checkpoint writes appends trigger (roll, flush policy) off the request's task; nil: inline.
    public init(
        brokerId: Int32, logDirectories: LogDirectoryLayout, topicConfigSource: String = "the metadata store",
        logConfig: LogConfig, minInsyncReplicas: Int, metrics: BrokerMetrics,
        events: EventEmitter, logger: Logger, clock: @escaping @Sendable () -> Int64 = ReplicaManager.wallClockMs,
        producerIdExpirationMs: Int64 = ReplicaManager.defaultProducerIdExpirationMs, blockingIO: BlockingIO? = nil
    ) {
        precondition(producerIdExpirationMs >= 0, "producer.id.expiration.ms must not be negative")
        self.blockingIO = blockingIO
        self.producerIdExpirationMs = producerIdExpirationMs
        self.brokerId = brokerId
        self.logDirectories = logDirectories
        self.topicConfigSource = topicConfigSource
        self.baseLogConfig = logConfig
        self.defaultMinInsyncReplicas = minInsyncReplicas
        self.metrics = metrics
        self.events = events
        self.logger = logger
        self.clock = clock
        for leftover in logDirectories.leftoverDeletions {
            logger.info("removing \(leftover), left over from a topic deletion")
            do { try FileManager.default.removeItem(atPath: leftover) } catch {
                logger.warning("could not remove \(leftover): \(error)")
            }
        }
    }

    /// A replica manager over one data directory, not scanned nor locked (tests and tools).
    public convenience init(
        brokerId: Int32, logDirectory: String, logConfig: LogConfig, minInsyncReplicas: Int, metrics: BrokerMetrics,
        events: EventEmitter, logger: Logger, clock: @escaping @Sendable () -> Int64 = ReplicaManager.wallClockMs,
        producerIdExpirationMs: Int64 = ReplicaManager.defaultProducerIdExpirationMs
    ) {
        self.init(
            brokerId: brokerId, logDirectories: LogDirectoryLayout(singleDirectory: logDirectory), logConfig: logConfig,
            minInsyncReplicas: minInsyncReplicas, metrics: metrics, events: events, logger: logger, clock: clock,
            producerIdExpirationMs: producerIdExpirationMs)
    }

    /// Milliseconds since the Unix epoch (the default clock).
    @Sendable public static func wallClockMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The partition replica hosted here, if any.
    public func partition(_ topicPartition: TopicPartition) -> Partition? {
        partitions.withLock { $0[topicPartition] }
    }

    /// Every hosted partition (a copy of the map's values, in no order).
    var allPartitions: [Partition] { partitions.withLock { Array($0.values) } }

    /// Every hosted partition of `topic`, by partition number.
    func partitions(of topic: String) -> [Partition] {
        partitions.withLock { all in all.values.filter { $0.topicPartition.topic == topic } }
            .sorted { $0.topicPartition.partition < $1.topicPartition.partition }
    }

    /// Number of hosted partitions this broker leads.
    public var leaderPartitionCount: Int {
        partitions.withLock { all in all.values.filter { $0.isLeader }.count }
    }

    /// Number of hosted partitions this broker follows.
    public var followerPartitionCount: Int {
        partitions.withLock { all in all.values.filter { $0.followedLeader != nil }.count }
    }

    /// Opens (recovering as needed) the logs of `topic`'s partitions assigned to this broker, each in the
    /// `log.dirs` entry that holds it, or (new) in the entry with the fewest partitions. `opened` is called after
    /// each partition's log is open (start-up reports its progress to systemd with it).
    /// - Throws: ``PersistedTopicConfigError`` when the topic's persisted configuration is invalid (naming
    ///   ``topicConfigSource``, the topic and the key); a `StorageError` when a log cannot be opened.
    public func host(topic: TopicState, opened: (TopicPartition) -> Void = { _ in }) throws {
        let topicConfig: TopicConfig
        do { topicConfig = try TopicConfig(topic.configs) } catch {
            throw PersistedTopicConfigError(topic: topic.name, source: topicConfigSource, problem: error.message)
        }
        for state in topic.partitions where state.replicas.contains(brokerId) {
            let topicPartition = TopicPartition(topic: topic.name, partition: state.partition)
            if partition(topicPartition) != nil { continue }
            let log = try openLog(topicPartition, config: topicConfig.logConfig(base: baseLogConfig))
            let hosted = Partition(
                topicPartition: topicPartition, log: log,
                role: PartitionRole.initial(state, localBrokerId: brokerId, nowMs: clock()), localBrokerId: brokerId,
                minInsyncReplicas: topicConfig.minInsyncReplicas(base: defaultMinInsyncReplicas),
                metrics: PartitionMetrics(metrics: metrics, topicPartition: topicPartition), events: events)
            try loadProducerState(hosted)
            hosted.maybeIncrementHighWatermark()
            partitions.withLock { $0[topicPartition] = hosted }
            opened(topicPartition)
        }
        publishBrokerGauges()
        roleChangeSignal.signal()
    }

    /// Compares the start-up scan of `log.dirs` with the metadata's `topics`, before they are hosted, and
    /// logs a warning for each mismatch. `missing`: partitions assigned here whose directory is in no entry —
    /// a directory dropped from `log.dirs` (they would start empty), or a crash between persisting a new topic
    /// and creating its directories. `stray`: partition directories the metadata does not assign here (not
    /// served; a topic created again under that name would take that data as its log).
    @discardableResult
    public func checkDirectories(against topics: some Sequence<TopicState>) -> (
        missing: [TopicPartition], stray: [String]
    ) {
        var assigned = Set<String>()
        var missing: [TopicPartition] = []
        for topic in topics {
            for state in topic.partitions where state.replicas.contains(brokerId) {
                let topicPartition = TopicPartition(topic: topic.name, partition: state.partition)
                assigned.insert(topicPartition.description)
                if !logDirectories.isKnown(topicPartition.description) { missing.append(topicPartition) }
            }
        }
        missing.sort { $0.description < $1.description }
        let stray = logDirectories.partitionPaths.filter { !assigned.contains($0.key) }.map(\.value).sorted()
        let entries = logDirectories.directories.joined(separator: ", ")
        for topicPartition in missing {
            let line = "partition \(topicPartition) is in the metadata but its directory is in none of log.dirs "
                + "(\(entries)): it starts empty. If a directory was removed from log.dirs, stop the broker and "
                + "add it back"
            logger.warning("\(line)", metadata: ["sluice.topic": "\(topicPartition.topic)"])
        }
        for path in stray {
            let line = "\(path) is a partition directory the metadata does not know: it is not served, and a "
                + "topic created again under its name would take it as its log. Move it away if unwanted"
            logger.warning("\(line)")
        }
        return (missing, stray)
    }

    private func openLog(_ topicPartition: TopicPartition, config: LogConfig) throws -> PartitionLog {
        let directory = logDirectories.path(for: topicPartition.description)
        let events = self.events
        let logger = self.logger
        let metrics = self.metrics
        return try PartitionLog(
            directory: directory, topic: topicPartition.topic, partition: topicPartition.partition, config: config,
            observer: BrokerLogObserver(topicPartition: topicPartition, events: events, metrics: metrics, logger: logger),
            logger: logger, blockingIO: blockingIO)
    }

    // MARK: role transitions (the controller's decisions, applied by the metadata watch)

    /// Applies the metadata's `state` to the hosted partition `topicPartition`: leader when it names this
    /// broker, offline when it names none, else follower. Returns whether the role changed; nil when the
    /// partition is not hosted here.
    /// - Throws: ``StaleLeaderEpochError`` when `state.leaderEpoch` is older than the partition's.
    @discardableResult
    public func applyPartitionState(_ topicPartition: TopicPartition, _ state: PartitionState) throws(
        StaleLeaderEpochError
    ) -> Bool? {
        guard let hosted = partition(topicPartition) else { return nil }
        defer {
            publishBrokerGauges()
            roleChangeSignal.signal()
        }
        let now = clock()
        let before = hosted.isLeader ? (epoch: hosted.leaderEpoch, isr: hosted.isr, lag: hosted.followerLag(nowMs: now)) : nil
        let changed = try hosted.apply(state, nowMs: now)
        if let before, hosted.isLeader, hosted.leaderEpoch == before.epoch, hosted.isr != before.isr {
            reportIsrChange(hosted, before: before.isr, after: hosted.isr, lag: before.lag)
        }
        return changed
    }

    /// Makes this broker the leader of `topicPartition` at `leaderEpoch` (see `Partition.makeLeader`);
    /// nil when not hosted here.
    @discardableResult
    public func makeLeader(_ topicPartition: TopicPartition, leaderEpoch: Int32, replicas: [Int32], isr: [Int32])
        throws(StaleLeaderEpochError) -> Bool?
    {
        guard let hosted = partition(topicPartition) else { return nil }
        defer {
            publishBrokerGauges()
            roleChangeSignal.signal()
        }
        return try hosted.makeLeader(leaderEpoch: leaderEpoch, replicas: replicas, isr: isr, nowMs: clock())
    }

    /// Makes this broker a follower of `leaderId` for `topicPartition` at `leaderEpoch` (see
    /// `Partition.makeFollower`); once it returns no produce is appended here. nil when not hosted here.
    @discardableResult
    public func makeFollower(_ topicPartition: TopicPartition, leaderId: Int32, leaderEpoch: Int32)
        throws(StaleLeaderEpochError) -> Bool?
    {
        guard let hosted = partition(topicPartition) else { return nil }
        defer {
            publishBrokerGauges()
            roleChangeSignal.signal()
        }
        return try hosted.makeFollower(leaderId: leaderId, leaderEpoch: leaderEpoch)
    }

    /// Stops hosting `topic`: closes its logs and deletes their directories, in whichever `log.dirs` entry
    /// holds each (renamed to `<name>.<id>-delete` first, so a crash part-way leaves no half partition).
    /// Requests stop finding the partitions at once; the closing fsyncs and the deletion run on `blockingIO`
    /// (awaited, so a topic created again under the name finds no old directory).
    public func remove(topic: String) async {
        let removed = partitions.withLock { all -> [Partition] in
            let matching = all.values.filter { $0.topicPartition.topic == topic }
            for partition in matching { all[partition.topicPartition] = nil }
            return matching
        }
        publishBrokerGauges()
        roleChangeSignal.signal()
        guard !removed.isEmpty else { return }
        let dispose: @Sendable () -> Void = { [self] in
            for partition in removed {
                try? partition.close()
                partition.metrics.remove()
                deleteDirectory(partition.directory)
                logDirectories.forget(partition.topicPartition.description)
            }
        }
        if let blockingIO { await blockingIO.run(dispose) } else { dispose() }
    }

    /// Renames `directory` out of the partition namespace, then removes it; a leftover is removed at next start.
    private func deleteDirectory(_ directory: String) {
        let condemned = directory + "." + UUID().uuidString.replacingOccurrences(of: "-", with: "") + "-delete"
        do {
            try FileManager.default.moveItem(atPath: directory, toPath: condemned)
            // The rename must be on disk before the unlinks inside it are: a crash then leaves a whole
            // partition directory or a `-delete` one, never a half-emptied partition.
            let parent = open((directory as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if parent >= 0 {
                fsync(parent)
                close(parent)
            }
            try FileManager.default.removeItem(atPath: condemned)
        } catch {
            logger.error("deleting \(directory) failed: \(error)")
        }
    }

    /// A led partition's ISR changed (this leader's AlterPartition, or the controller removing a lost broker):
    /// `isr_shrink` / `isr_expand` per member, the counters, and `under_min_isr` when it just fell below.
    private func reportIsrChange(
        _ partition: Partition, before: [Int32], after: [Int32], lag: [Int32: (records: Int64, ms: Int64)]
    ) {
        let topicPartition = partition.topicPartition
        for replica in before where !after.contains(replica) {
            partition.metrics.gauges.isrShrinks.increment(by: Int64(1))
            events.isrShrink(
                topic: topicPartition.topic, partition: topicPartition.partition, replica: replica, isrBefore: before,
                isrAfter: after, lagRecords: lag[replica]?.records ?? 0, lagMs: lag[replica]?.ms ?? 0)
        }
        for replica in after where !before.contains(replica) {
            partition.metrics.gauges.isrExpands.increment(by: Int64(1))
            events.isrExpand(
                topic: topicPartition.topic, partition: topicPartition.partition, replica: replica, isrBefore: before,
                isrAfter: after)
        }
        let minimum = partition.minInsyncReplicas
        if after.count < minimum, before.count >= minimum {
            events.underMinISR(
                topic: topicPartition.topic, partition: topicPartition.partition, isr: after, minInsyncReplicas: minimum)
        }
    }

    /// Leader and replication gauges of the broker as a whole.
    func publishBrokerGauges() {
        let all = partitions.withLock { Array($0.values) }
        let led = all.filter { $0.isLeader }
        metrics.setLeaderPartitions(led.count)
        metrics.setUnderReplicatedPartitions(led.filter { $0.isr.count < $0.replicas.count }.count)
        metrics.setUnderMinISRPartitions(led.filter { $0.isr.count < $0.minInsyncReplicas }.count)
    }

    /// Periodic work: retention, time-based flushes, HW checkpoints, producer snapshots (after a roll or flush)
    /// and producer id expiry. Called by the server's maintenance loop.
    public func runMaintenance(retention: Bool) {
        let now = clock()
        for partition in partitions.withLock({ Array($0.values) }) {
            do {
                let expired = try partition.maintain(
                    retention: retention, nowMs: now, producerIdExpirationMs: producerIdExpirationMs)
                if expired > 0 { logExpiredProducers(expired, partition) }
            } catch {
                logger.error("maintenance of \(partition.topicPartition) failed: \(error)",
                             metadata: ["sluice.topic": "\(partition.topicPartition.topic)"])
            }
            partition.publishGauges()
        }
    }

    /// Snapshots producer state, flushes and closes every log (clean shutdown: the next start skips full
    /// recovery and replays no producer batches).
    public func shutdown() {
        let all = partitions.withLock { all -> [Partition] in
            defer { all.removeAll() }
            return Array(all.values)
        }
        for partition in all {
            // A failed snapshot costs a longer replay at the next start, not the clean close.
            do { try partition.snapshotProducerState(force: true) } catch {
                logger.error("producer snapshot of \(partition.topicPartition) failed: \(error)")
            }
            do { try partition.close() } catch {
                logger.error("closing \(partition.topicPartition) failed: \(error)")
            }
        }
    }
}
