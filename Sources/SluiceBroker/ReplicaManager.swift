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
    let logDirectory: String
    let baseLogConfig: LogConfig
    let defaultMinInsyncReplicas: Int
    let metrics: BrokerMetrics
    let events: EventEmitter
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// `producer.id.expiration.ms`: an idempotent producer idle this long is forgotten by the maintenance pass.
    let producerIdExpirationMs: Int64
    private let partitions = Mutex<[TopicPartition: Partition]>([:])
    /// Signalled when any partition's HW advances: wakes long-polling fetches.
    let dataArrived = AsyncSignal()
    /// acks=all requests parked until HW passes their batches (`sluice_broker_produce_purgatory_size`).
    let purgatorySize = Atomic<Int>(0)

    /// `producerIdExpirationMs` is `producer.id.expiration.ms` (Kafka's default: one day).
    public init(
        brokerId: Int32, logDirectory: String, logConfig: LogConfig, minInsyncReplicas: Int, metrics: BrokerMetrics,
        events: EventEmitter, logger: Logger, clock: @escaping @Sendable () -> Int64 = ReplicaManager.wallClockMs,
        producerIdExpirationMs: Int64 = ReplicaManager.defaultProducerIdExpirationMs
    ) {
        precondition(producerIdExpirationMs >= 0, "producer.id.expiration.ms must not be negative")
        self.producerIdExpirationMs = producerIdExpirationMs
        self.brokerId = brokerId
        self.logDirectory = logDirectory
        self.baseLogConfig = logConfig
        self.defaultMinInsyncReplicas = minInsyncReplicas
        self.metrics = metrics
        self.events = events
        self.logger = logger
        self.clock = clock
    }

    /// Milliseconds since the Unix epoch (the default clock).
    @Sendable public static func wallClockMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The partition replica hosted here, if any.
    public func partition(_ topicPartition: TopicPartition) -> Partition? {
        partitions.withLock { $0[topicPartition] }
    }

    /// Every hosted partition of `topic`, by partition number.
    func partitions(of topic: String) -> [Partition] {
        partitions.withLock { all in all.values.filter { $0.topicPartition.topic == topic } }
            .sorted { $0.topicPartition.partition < $1.topicPartition.partition }
    }

    /// Number of hosted partitions this broker leads.
    public var leaderPartitionCount: Int {
        partitions.withLock { all in all.values.filter { $0.isLeader }.count }
    }

    /// Opens (recovering as needed) the logs of `topic`'s partitions assigned to this broker.
    public func host(topic: TopicState) throws {
        let topicConfig = (try? TopicConfig(topic.configs)) ?? (try! TopicConfig([:]))
        for state in topic.partitions where state.replicas.contains(brokerId) {
            let topicPartition = TopicPartition(topic: topic.name, partition: state.partition)
            if partition(topicPartition) != nil { continue }
            let log = try openLog(topicPartition, config: topicConfig.logConfig(base: baseLogConfig))
            let replicaState = ReplicaState(
                leader: state.leader, leaderEpoch: state.leaderEpoch, replicas: state.replicas, isr: state.isr)
            let hosted = Partition(
                topicPartition: topicPartition, log: log, state: replicaState, localBrokerId: brokerId,
                minInsyncReplicas: topicConfig.minInsyncReplicas(base: defaultMinInsyncReplicas),
                metrics: PartitionMetrics(metrics: metrics, topicPartition: topicPartition),
                dataArrived: dataArrived, events: events)
            try loadProducerState(hosted)
            hosted.maybeIncrementHighWatermark()
            partitions.withLock { $0[topicPartition] = hosted }
        }
        publishBrokerGauges()
    }

    private func openLog(_ topicPartition: TopicPartition, config: LogConfig) throws -> PartitionLog {
        let directory = logDirectory + "/" + topicPartition.description
        let events = self.events
        let logger = self.logger
        let metrics = self.metrics
        return try PartitionLog(
            directory: directory, topic: topicPartition.topic, partition: topicPartition.partition, config: config,
            observer: BrokerLogObserver(topicPartition: topicPartition, events: events, metrics: metrics, logger: logger),
            logger: logger)
    }

    /// Stops hosting `topic`: closes its logs and deletes their directories.
    public func remove(topic: String) {
        let removed = partitions.withLock { all -> [Partition] in
            let matching = all.values.filter { $0.topicPartition.topic == topic }
            for partition in matching { all[partition.topicPartition] = nil }
            return matching
        }
        for partition in removed {
            try? partition.log.close()
            partition.metrics.remove()
            try? FileManager.default.removeItem(atPath: logDirectory + "/" + partition.topicPartition.description)
        }
        publishBrokerGauges()
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
                if retention { _ = try partition.log.applyRetention(nowMs: now) }
                let flushed = try partition.log.flushIfDue(nowMs: now)
                try partition.log.checkpointHighWatermark()
                try maintainProducerState(partition, flushed: flushed, nowMs: now)
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
            do { try partition.log.close() } catch {
                logger.error("closing \(partition.topicPartition) failed: \(error)")
            }
        }
    }
}
