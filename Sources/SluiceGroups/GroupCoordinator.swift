import Foundation
import Logging
import NIOCore
import SluiceBroker
import SluiceObservability
import SluiceWire

/// Kafka's classic group coordinator. A group belongs to partition `abs(hashCode(groupId)) % partitions` of
/// `__consumer_offsets`, and the broker leading that partition coordinates it: membership and rebalances live
/// in memory here, committed offsets are records of that partition — appended with acks=all through the
/// ordinary produce path, so they replicate like any topic and survive a restart or a failover (the new leader
/// replays the partition before it answers: COORDINATOR_LOAD_IN_PROGRESS meanwhile).
///
/// An actor: the control plane. JoinGroup and SyncGroup park on continuations until their phase completes;
/// `tick` (every 100 ms from `run`) expires sessions, ends join phases whose timeout passed, and drops the
/// groups of partitions this broker stopped leading.
public actor GroupCoordinator {
    /// The coordinator's settings (Kafka's names).
    public struct Settings: Sendable {
        /// offsets.topic.num.partitions
        public var offsetsTopicPartitions: Int32
        /// group.initial.rebalance.delay.ms
        public var initialRebalanceDelayMs: Int64
        /// group.min.session.timeout.ms / group.max.session.timeout.ms
        public var sessionTimeoutRangeMs: ClosedRange<Int32>
        /// offsets.commit.timeout.ms: how long a commit waits for the offsets partition's ISR.
        public var commitTimeoutMs: Int32
        /// offset.metadata.max.bytes
        public var metadataMaxBytes: Int
        /// offsets.retention.minutes, in milliseconds: how long an empty group's offsets are kept.
        public var offsetsRetentionMs: Int64
        /// offsets.retention.check.interval.ms
        public var retentionCheckIntervalMs: Int64
        /// offsets.topic.retention.ms: a commit whose newest record is older than half of this is rewritten;
        /// -1, never.
        public var offsetsTopicRetentionMs: Int64

        public init(
            offsetsTopicPartitions: Int32 = 50, initialRebalanceDelayMs: Int64 = 3_000,
            sessionTimeoutRangeMs: ClosedRange<Int32> = 6_000...1_800_000, commitTimeoutMs: Int32 = 5_000,
            metadataMaxBytes: Int = 4_096, offsetsRetentionMs: Int64 = 10_080 * 60_000,
            retentionCheckIntervalMs: Int64 = 600_000, offsetsTopicRetentionMs: Int64 = 86_400_000
        ) {
            precondition(
                offsetsTopicRetentionMs == -1 || retentionCheckIntervalMs * 2 < offsetsTopicRetentionMs,
                "a commit must be rewritten before its record ages out")
            self.offsetsRetentionMs = offsetsRetentionMs
            self.retentionCheckIntervalMs = retentionCheckIntervalMs
            self.offsetsTopicRetentionMs = offsetsTopicRetentionMs
            self.offsetsTopicPartitions = offsetsTopicPartitions
            self.initialRebalanceDelayMs = initialRebalanceDelayMs
            self.sessionTimeoutRangeMs = sessionTimeoutRangeMs
            self.commitTimeoutMs = commitTimeoutMs
            self.metadataMaxBytes = metadataMaxBytes
        }
    }

    public static let offsetsTopic = "__consumer_offsets"

    let settings: Settings
    let replicaManager: ReplicaManager
    let metrics: GroupMetrics
    let events: EventEmitter
    let logger: Logger
    let monotonicMs: @Sendable () -> Int64
    let wallClockMs: @Sendable () -> Int64

    var groups: [String: ConsumerGroup] = [:]
    var offsets: [String: [TopicPartition: CommittedOffset]] = [:]
    /// The timestamp of the newest record of each commit in `offsets` (same keys): retention ages the record, not
    /// the commit, so a commit is rewritten before its record could be deleted.
    var offsetsWrittenMs: [String: [TopicPartition: Int64]] = [:]
    /// Wall-clock time each offsets partition was loaded: an empty group's offsets expire no sooner than
    /// `offsets.retention.minutes` after it (when the group became empty on another coordinator is not known).
    var loadedAtMs: [Int32: Int64] = [:]
    /// Groups whose offsets are being expired or rewritten now: their commits wait (retriably) until that is in.
    var maintaining: Set<String> = []
    /// Groups with commits appending now, and how many: the retention check leaves them alone.
    var committing: [String: Int] = [:]
    /// Monotonic milliseconds of the last offsets retention check.
    var offsetsCheckedMs: Int64 = 0
    /// Offsets partitions loaded here, with the leader epoch they were loaded at.
    var loaded: [Int32: Int32] = [:]
    /// Offsets partitions being loaded now.
    var loading: Set<Int32> = []
    /// Monotonic milliseconds of the last consumer-lag refresh.
    var lagRefreshedMs: Int64 = .min / 2

    public init(
        settings: Settings, replicaManager: ReplicaManager, metrics: GroupMetrics, events: EventEmitter,
        logger: Logger, monotonicMs: @escaping @Sendable () -> Int64 = GroupCoordinator.monotonicNowMs,
        wallClockMs: @escaping @Sendable () -> Int64 = ReplicaManager.wallClockMs
    ) {
        self.settings = settings
        self.replicaManager = replicaManager
        self.metrics = metrics
        self.events = events
        self.logger = logger
        self.monotonicMs = monotonicMs
        self.wallClockMs = wallClockMs
    }

    @Sendable public static func monotonicNowMs() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
    }

    /// The `__consumer_offsets` partition of `groupId`: Kafka's `Utils.abs(groupId.hashCode()) % partitions`, with
    /// Java's String.hashCode over UTF-16 code units, so a group maps to the same partition as in Kafka.
    public static func partition(of groupId: String, partitions: Int32) -> Int32 {
        precondition(partitions > 0, "the offsets topic has partitions")
        var hash: Int32 = 0
        for unit in groupId.utf16 { hash = hash &* 31 &+ Int32(unit) }
        let positive = hash == Int32.min ? 0 : abs(hash)
        return positive % partitions
    }

    // MARK: coordination

    /// Whether this broker coordinates `groupId` now: NONE, NOT_COORDINATOR (another broker leads its offsets
    /// partition), or COORDINATOR_LOAD_IN_PROGRESS (the partition is being replayed; the client retries).
    func coordinatorError(for groupId: String) async -> ErrorCode {
        let partition = Self.partition(of: groupId, partitions: settings.offsetsTopicPartitions)
        let topicPartition = TopicPartition(topic: Self.offsetsTopic, partition: partition)
        guard let epoch = replicaManager.leaderEpochIfLeading(topicPartition) else {
            if loaded[partition] != nil { unload(partition) }
            return .notCoordinator
        }
        if loaded[partition] == epoch { return .none }
        if loading.contains(partition) { return .coordinatorLoadInProgress }
        if loaded[partition] != nil { unload(partition) }
        await load(partition, epoch: epoch)
        return loaded[partition] == epoch ? .none : .coordinatorLoadInProgress
    }

    /// Replays offsets partition `partition` (leader epoch `epoch`) into the cache.
    private func load(_ partition: Int32, epoch: Int32) async {
        loading.insert(partition)
        defer { loading.remove(partition) }
        let topicPartition = TopicPartition(topic: Self.offsetsTopic, partition: partition)
        var offset: Int64 = 0
        var replayed = 0
        // Bound: each pass reads from `offset` forward and stops at the log end or a read that moves nothing.
        while true {
            let read: (records: ByteBuffer, logStartOffset: Int64, logEndOffset: Int64)?
            do { read = try replicaManager.readLeaderLog(topicPartition, from: offset, maxBytes: 8 << 20) } catch {
                logger.warning("loading \(topicPartition) failed: \(error)")
                return
            }
            guard let read else { return }  // no longer the leader
            if offset < read.logStartOffset { offset = read.logStartOffset }
            let records = read.records.withUnsafeReadableBytes {
                (try? RecordBatchReader.records(in: $0))?.records ?? []
            }
            for record in records where record.offset >= offset {
                offset = record.offset + 1
                guard let key = record.key, let decoded = OffsetCommitRecord(key: key, value: record.value) else {
                    continue
                }
                apply(decoded, writtenMs: record.timestamp)
                replayed += 1
            }
            if records.isEmpty || offset >= read.logEndOffset { break }
        }
        guard replicaManager.leaderEpochIfLeading(topicPartition) == epoch else { return }
        loaded[partition] = epoch
        loadedAtMs[partition] = wallClockMs()
        logger.info(
            "loaded \(topicPartition) at leader epoch \(epoch): \(replayed) offset record(s)",
            metadata: ["sluice.topic": "\(Self.offsetsTopic)", "sluice.partition": "\(partition)"])
    }

    /// Applies a commit or a tombstone; `writtenMs` is its record's timestamp (what retention ages it by).
    func apply(_ record: OffsetCommitRecord, writtenMs: Int64) {
        if let commit = record.commit {
            offsets[record.group, default: [:]][record.topicPartition] = commit
            offsetsWrittenMs[record.group, default: [:]][record.topicPartition] = writtenMs
            metrics.committed(group: record.group, topicPartition: record.topicPartition, offset: commit.offset)
        } else {
            offsets[record.group]?[record.topicPartition] = nil
            offsetsWrittenMs[record.group]?[record.topicPartition] = nil
            if offsets[record.group]?.isEmpty == true {
                offsets[record.group] = nil
                offsetsWrittenMs[record.group] = nil
            }
            metrics.removeCommitted(group: record.group, topicPartition: record.topicPartition)
        }
    }

    /// Forgets the groups and offsets of a partition no longer led here; parked requests learn NOT_COORDINATOR.
    private func unload(_ partition: Int32) {
        loaded[partition] = nil
        for (groupId, group) in groups
        where Self.partition(of: groupId, partitions: settings.offsetsTopicPartitions) == partition {
            group.abandon(answering: .notCoordinator)
            groups[groupId] = nil
            metrics.removeGroup(groupId)
        }
        for groupId in offsets.keys where Self.partition(of: groupId, partitions: settings.offsetsTopicPartitions) == partition {
            for topicPartition in offsets[groupId]?.keys.map({ $0 }) ?? [] {
                metrics.removeCommitted(group: groupId, topicPartition: topicPartition)
            }
            offsets[groupId] = nil
            offsetsWrittenMs[groupId] = nil
        }
        loadedAtMs[partition] = nil
        logger.info("no longer coordinating the groups of \(Self.offsetsTopic)-\(partition)")
    }

    // MARK: time

    /// Runs `tick` every 100 ms, and the offsets retention check every `offsets.retention.check.interval.ms`,
    /// until cancelled.
    public func run() async {
        offsetsCheckedMs = monotonicMs()
        while !Task.isCancelled {
            let nowMs = monotonicMs()
            tick(nowMs: nowMs)
            if nowMs - offsetsCheckedMs >= settings.retentionCheckIntervalMs {
                offsetsCheckedMs = nowMs
                await maintainOffsets()
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Expires members whose session ran out, completes join phases that are due, drops pending member ids
    /// never used, unloads partitions no longer led, and refreshes the lag gauges (at most once a second).
    func tick(nowMs: Int64) {
        for partition in Array(loaded.keys)
        where replicaManager.leaderEpochIfLeading(TopicPartition(topic: Self.offsetsTopic, partition: partition))
            != loaded[partition]
        {
            unload(partition)
        }
        for group in groups.values {
            group.pendingMemberIds = group.pendingMemberIds.filter { $0.value > nowMs }
            let expired = group.members.values.filter { member in
                member.awaitingJoin == nil && nowMs - member.lastSeenMs > Int64(member.sessionTimeoutMs)
            }
            for member in expired {
                logger.info("member \(member.memberId) of group \(group.groupId) left: no heartbeat in its session timeout")
                group.remove(member.memberId, answering: .unknownMemberId)
            }
            if !expired.isEmpty { rebalanceAfterLeaving(group, reason: "session_timeout", nowMs: nowMs) }
            if group.joinPhaseIsDue(nowMs: nowMs) { completeJoin(group) }
        }
        // Lag moves with every append; once a second is plenty for a scraped gauge and keeps the walk over every
        // committed partition out of most ticks.
        if nowMs - lagRefreshedMs >= 1_000 {
            lagRefreshedMs = nowMs
            refreshLag()
        }
    }

    /// After members left (LeaveGroup, session expiry): a rebalance for the others, which completes at once when
    /// none is left (the group becomes empty at the next generation, as in Kafka).
    func rebalanceAfterLeaving(_ group: ConsumerGroup, reason: String, nowMs: Int64) {
        group.prepareRebalance(reason: reason, nowMs: nowMs, initialDelayMs: 0)
        if group.joinPhaseIsDue(nowMs: nowMs) { completeJoin(group) }
    }

    func completeJoin(_ group: ConsumerGroup) {
        group.completeJoinPhase()
        metrics.observe(group: group.groupId, members: group.members.count, generation: group.generationId)
        if group.isEmpty {
            becameEmpty(group)
            return
        }
        metrics.rebalanced(group: group.groupId, reason: group.rebalanceReason)
        events.groupRebalanced(
            group: group.groupId, generation: group.generationId, members: group.members.count,
            reason: group.rebalanceReason)
    }

    private func becameEmpty(_ group: ConsumerGroup) {
        group.emptySinceMs = wallClockMs()
        metrics.observe(group: group.groupId, members: 0, generation: group.generationId)
        events.groupEmpty(group: group.groupId)
    }
}
