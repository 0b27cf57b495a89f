import Logging
import NIOCore
import SluiceCluster
import SluiceObservability
import SluiceStorage
import SluiceWire
import Synchronization

/// One partition replica on this broker: its log (private: everything goes through here), its role, its
/// idempotent producers' state, its signals and its metrics.
///
/// The role (`PartitionRole`) changes only through `makeLeader` / `makeFollower` / `makeOffline`, which take
/// the new leader epoch and refuse an older one. The leader append is one lock scope (`core`): role check,
/// idempotence check, append, producer-state update and HW update — so once `makeFollower` has returned, no
/// append as leader can succeed. The CRC pass runs before, outside any lock; no actor hop, no per-record work.
/// Lock order: `producerSnapshots` → `core` → the log's locks. Signals fire after `core` is released.
public final class Partition: Sendable {
    /// What `core` guards: the role and the producers, changed together with the log under one lock.
    private struct Core: Sendable {
        var role: PartitionRole
        var producers = ProducerStateManager()
    }

    /// The result of a leader append for one produce request's batches.
    enum AppendResult: Sendable, Hashable {
        /// Written at the offsets in `AppendInfo`.
        case appended(AppendInfo)
        /// Every batch was an idempotent retry of batches already in the log: nothing was written; the producer
        /// gets the original offsets (errorCode NONE, as Kafka answers exact duplicates).
        case duplicate(firstOffset: Int64, lastOffset: Int64, batchCount: Int)

        /// Offset of the first record (the response's base offset).
        var firstOffset: Int64 {
            switch self {
            case .appended(let info): info.firstOffset
            case .duplicate(let firstOffset, _, _): firstOffset
            }
        }

        /// Offset of the last record: acks=all waits until the high watermark passes it.
        var lastOffset: Int64 {
            switch self {
            case .appended(let info): info.lastOffset
            case .duplicate(_, let lastOffset, _): lastOffset
            }
        }
    }

    public let topicPartition: TopicPartition
    private let log: PartitionLog
    let localBrokerId: Int32
    let minInsyncReplicas: Int
    let metrics: PartitionMetrics
    private let core: Mutex<Core>
    /// Signalled when the log end offset moves (a follower's fetch waits on it).
    let logEndOffsetSignal = PartitionSignal()
    /// Signalled when the high watermark moves (consumers' fetches and acks=all wait on it).
    let highWatermarkSignal = PartitionSignal()
    /// Offset of the newest producer snapshot on disk (-1: none); held by snapshot writers and reloads.
    private let producerSnapshots = Mutex<Int64>(-1)
    /// `producer_fenced` goes here.
    let events: EventEmitter
    /// How far producers were answered while this broker led, per epoch (acknowledged-loss accounting).
    let acknowledged: AcknowledgedOffsets

    /// Snapshots kept on disk: the newest, and two older ones a truncation can fall back to.
    static let producerSnapshotsRetained = 3

    init(
        topicPartition: TopicPartition, log: PartitionLog, role: PartitionRole, localBrokerId: Int32,
        minInsyncReplicas: Int, metrics: PartitionMetrics, events: EventEmitter
    ) {
        self.events = events
        self.topicPartition = topicPartition
        self.log = log
        self.localBrokerId = localBrokerId
        self.minInsyncReplicas = minInsyncReplicas
        self.metrics = metrics
        self.core = Mutex(Core(role: role))
        self.acknowledged = AcknowledgedOffsets(directory: log.directory)
        publishGauges()
    }

    // MARK: role

    /// The current role (a copy).
    var role: PartitionRole { core.withLock { $0.role } }
    var isLeader: Bool { core.withLock { if case .leader = $0.role { true } else { false } } }
    var leaderEpoch: Int32 { core.withLock { $0.role.leaderEpoch } }
    var leader: Int32 { core.withLock { $0.role.leader(localBrokerId: localBrokerId) } }
    /// The ISR as the leader keeps it; empty unless leader.
    var isr: [Int32] { core.withLock { if case .leader(let state) = $0.role { state.isr } else { [] } } }
    /// The assigned replicas as the leader keeps them; empty unless leader.
    var replicas: [Int32] { core.withLock { if case .leader(let state) = $0.role { state.replicas } else { [] } } }

    /// Becomes (or stays) leader at `leaderEpoch` with `replicas` and `isr`. An older epoch is refused.
    /// The same epoch is an update of the assignment and ISR (Kafka's KRaft `Partition.makeLeader`: a
    /// partition-epoch bump): follower progress is kept when already leading, reset otherwise; a newer
    /// epoch resets it (LEO unknown, in-sync followers caught up now). Returns whether leadership is new.
    @discardableResult
    func makeLeader(leaderEpoch: Int32, replicas: [Int32], isr: [Int32], nowMs: Int64)
        throws(StaleLeaderEpochError) -> Bool
    {
        let isNew = try transition("makeLeader", to: leaderEpoch) { role in
            if case .leader(var state) = role, state.leaderEpoch == leaderEpoch {
                state.replicas = replicas
                state.isr = isr
                role = .leader(state)
                return false
            }
            role = .leader(LeaderState(
                leaderEpoch: leaderEpoch, replicas: replicas, isr: isr, localBrokerId: localBrokerId, nowMs: nowMs))
            return true
        }
        if isNew { log.assignLeaderEpoch(leaderEpoch) }
        maybeIncrementHighWatermark()
        return isNew
    }

    /// Becomes (or stays) follower of `leaderId` at `leaderEpoch`. An older epoch is refused; the same epoch
    /// records the leader it names (Kafka's `makeFollower` likewise applies an equal epoch without resetting
    /// anything). Returns whether the role or leader changed. Once it returns, no leader append succeeds.
    @discardableResult
    func makeFollower(leaderId: Int32, leaderEpoch: Int32) throws(StaleLeaderEpochError) -> Bool {
        let changed = try transition("makeFollower", to: leaderEpoch) { role in
            if case .follower(let current, let epoch) = role, current == leaderId, epoch == leaderEpoch { return false }
            role = .follower(leaderId: leaderId, leaderEpoch: leaderEpoch)
            return true
        }
        publishGauges()
        return changed
    }

    /// Has no leader at `leaderEpoch` (the metadata says leader -1). An older epoch is refused.
    @discardableResult
    func makeOffline(leaderEpoch: Int32) throws(StaleLeaderEpochError) -> Bool {
        let changed = try transition("makeOffline", to: leaderEpoch) { role in
            if case .offline(let epoch) = role, epoch == leaderEpoch { return false }
            role = .offline(leaderEpoch: leaderEpoch)
            return true
        }
        publishGauges()
        return changed
    }

    /// Applies the metadata's `state` for this partition: the transition its leader names.
    @discardableResult
    func apply(_ state: PartitionState, nowMs: Int64) throws(StaleLeaderEpochError) -> Bool {
        switch state.leader {
        case localBrokerId:
            try makeLeader(leaderEpoch: state.leaderEpoch, replicas: state.replicas, isr: state.isr, nowMs: nowMs)
        case -1: try makeOffline(leaderEpoch: state.leaderEpoch)
        default: try makeFollower(leaderId: state.leader, leaderEpoch: state.leaderEpoch)
        }
    }

    /// Applies `change` under the lock, refusing an older leader epoch; then wakes the acks=all waiters, which
    /// re-check the role (a leader at another epoch answers them NOT_LEADER_OR_FOLLOWER).
    private func transition(
        _ name: String, to leaderEpoch: Int32, _ change: (inout PartitionRole) -> Bool
    ) throws(StaleLeaderEpochError) -> Bool {
        defer { highWatermarkSignal.signal() }
        return try core.withLock { (core) throws(StaleLeaderEpochError) in
            let current = core.role.leaderEpoch
            guard leaderEpoch >= current else {
                throw StaleLeaderEpochError(
                    topicPartition: topicPartition.description, transition: name, currentEpoch: current,
                    requestedEpoch: leaderEpoch)
            }
            return change(&core.role)
        }
    }

    // MARK: leader append

    /// Appends batches as received (validated, stamped in place) if this broker leads the partition;
    /// idempotent producers' batches are checked first (duplicates answered, gaps and fenced epochs refused).
    ///
    /// acks=all with ISR smaller than `min.insync.replicas` is refused before the append
    /// (NOT_ENOUGH_REPLICAS), as Kafka does.
    /// Returns the leader epoch the batches were written at: acks=all waits for the HW under that epoch only.
    func appendAsLeader(_ batches: inout ByteBuffer, acks: Int16, nowMs: Int64) throws(SluiceError) -> (
        result: AppendResult, leaderEpoch: Int32
    ) {
        // CRC and framing: pure, outside any lock.
        let validated: ValidatedBatches
        do { validated = try log.validateForAppend(batches, nowMs: nowMs) } catch {
            throw SluiceError(error.errorCode, "\(topicPartition): \(error)")
        }
        let outcome = core.withLock { core in
            appendLocked(&batches, validated: validated, acks: acks, nowMs: nowMs, &core)
        }
        switch outcome {
        case .success(let (result, leaderEpoch, highWatermarkMoved)):
            if case .duplicate(_, _, let count) = result {
                for _ in 0..<count { metrics.producerCounters.recordDuplicateBatch() }
            } else {
                logEndOffsetSignal.signal()
            }
            if highWatermarkMoved { highWatermarkSignal.signal() }
            publishGauges()
            return (result, leaderEpoch)
        case .failure(let failure):
            throw failure.error(topicPartition, events: events, metrics: metrics)
        }
    }

    /// The leader append proper, under `core`: role, min ISR, the idempotence decision, the write (unless every
    /// batch is a duplicate), the producers' new state and the HW — one atomic step per partition. A roll or
    /// flush failing after the write leaves the batches in the log (the LEO moved): they are recorded anyway,
    /// so a retry is still recognised. Batches without a producer id pass straight through.
    private func appendLocked(
        _ batches: inout ByteBuffer, validated: ValidatedBatches, acks: Int16, nowMs: Int64, _ core: inout Core
    ) -> Result<(AppendResult, leaderEpoch: Int32, highWatermarkMoved: Bool), AppendFailure> {
        guard case .leader(let leader) = core.role else {
            return .failure(.notLeader(localBrokerId, core.role.leader(localBrokerId: localBrokerId)))
        }
        if acks == -1, leader.isr.count < minInsyncReplicas {
            return .failure(.notEnoughReplicas(isrSize: leader.isr.count, minInsyncReplicas: minInsyncReplicas))
        }
        if validated.producerBatchCount > 0 {
            let check = batches.withUnsafeReadableBytes { core.producers.check($0, batchCount: validated.batchCount) }
            switch check {
            case .refused(let error): return .failure(.refused(error))
            case .duplicate(let firstOffset, let lastOffset, let count):
                let duplicate = AppendResult.duplicate(firstOffset: firstOffset, lastOffset: lastOffset, batchCount: count)
                return .success((duplicate, leader.leaderEpoch, false))
            case .append: break
            }
        }
        let logEndBefore = log.logEndOffset
        let result: Result<AppendInfo, AppendError>
        do {
            result = .success(
                try log.appendAsLeader(&batches, validated: validated, leaderEpoch: leader.leaderEpoch, nowMs: nowMs))
        } catch {
            result = .failure(error)
        }
        let written = log.logEndOffset > logEndBefore
        assert(written || (try? result.get()) == nil, "a successful append moves the log end offset")
        if written, validated.producerBatchCount > 0 {
            batches.withUnsafeReadableBytes {
                core.producers.recordAppended($0, batchCount: validated.batchCount, timestampMs: nowMs)
            }
        }
        let moved = written && advanceHighWatermark(leader)
        switch result {
        case .success(let info): return .success((.appended(info), leader.leaderEpoch, moved))
        case .failure(let error): return .failure(.log(error))
        }
    }

    /// Raises the HW to the leader's candidate; true when it moved. The caller holds `core`.
    private func advanceHighWatermark(_ leader: LeaderState) -> Bool {
        let candidate = leader.highWatermarkCandidate(leaderLogEndOffset: log.logEndOffset, localBrokerId: localBrokerId)
        return candidate > log.highWatermark && log.updateHighWatermark(candidate)
    }

    /// Recomputes HW from the ISR's log end offsets when leading; signals waiters when it moved.
    func maybeIncrementHighWatermark() {
        let moved = core.withLock { core in
            if case .leader(let leader) = core.role { advanceHighWatermark(leader) } else { false }
        }
        if moved { highWatermarkSignal.signal() }
        publishGauges()
    }

    /// How an acks=all wait for the high watermark ended.
    enum ReplicationOutcome: Sendable {
        /// HW reached the offset while this broker led at the append's leader epoch.
        case replicated
        /// `timeout` passed first.
        case timedOut
        /// This broker stopped leading at that epoch first (Kafka's DelayedProduce then answers
        /// NOT_LEADER_OR_FOLLOWER): the records may be truncated by the new leader, so they are not acknowledged.
        case leadershipLost(PartitionRole)
    }

    /// Waits until HW reaches `offset` while leading at `leaderEpoch`, or `timeout` passes, or leadership at
    /// that epoch ends (every role transition signals the HW waiters).
    func awaitHighWatermark(atLeast offset: Int64, leaderEpoch: Int32, timeout: Duration) async -> ReplicationOutcome {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        // Bound: each pass waits for a signal or the time left; the deadline ends the loop.
        while true {
            let waker = Waker()
            highWatermarkSignal.register(waker)
            defer { highWatermarkSignal.unregister(waker) }
            let role = core.withLock { $0.role }
            guard case .leader(let leader) = role, leader.leaderEpoch == leaderEpoch else {
                return .leadershipLost(role)
            }
            if log.highWatermark >= offset { return .replicated }
            let now = clock.now
            guard now < deadline, !Task.isCancelled else { return .timedOut }
            _ = await waker.wait(timeout: now.duration(to: deadline))
        }
    }

    // MARK: replication, leader side (Kafka's updateFollowerFetchState and ISR checks)

    /// What a follower's fetch changed on the leader.
    struct FollowerFetch: Sendable, Hashable {
        /// The high watermark moved: acks=all waiters and consumers were woken.
        var highWatermarkMoved: Bool
        /// The follower is outside the ISR and has reached the HW: the ISR should take it back.
        var expandCandidate: Bool
    }

    /// Records that assigned replica `replica` fetched from `fetchOffset` (its log end offset) at `nowMs`: its
    /// LEO, and its last caught-up time when it asked for the leader's LEO; then the HW moves if it can. nil when
    /// this broker does not lead, or `replica` is not assigned here (the fetch is refused).
    func recordFollowerFetch(replica: Int32, fetchOffset: Int64, nowMs: Int64) -> FollowerFetch? {
        let outcome = core.withLock { core -> FollowerFetch? in
            guard case .leader(var leader) = core.role, var follower = leader.followers[replica] else { return nil }
            let leaderEnd = log.logEndOffset
            follower.logEndOffset = min(fetchOffset, leaderEnd)
            if fetchOffset >= leaderEnd { follower.lastCaughtUpTimeMs = nowMs }
            leader.followers[replica] = follower
            core.role = .leader(leader)
            let moved = advanceHighWatermark(leader)
            let candidate = !leader.isr.contains(replica) && fetchOffset >= log.highWatermark
            return FollowerFetch(highWatermarkMoved: moved, expandCandidate: candidate)
        }
        if outcome?.highWatermarkMoved == true {
            highWatermarkSignal.signal()
            publishGauges()
        }
        return outcome
    }

    /// A change of the ISR this leader wants (Kafka's AlterPartition): followers that have not caught up within
    /// `lagTimeMaxMs` go, followers outside it that reached the HW come back. nil when none, or not leading.
    struct IsrProposal: Sendable, Hashable {
        var leaderEpoch: Int32
        var isrBefore: [Int32]
        var isrAfter: [Int32]
        /// Each follower removed, with its lag in records (leader LEO − its LEO) and in time.
        var shrunk: [(replica: Int32, lagRecords: Int64, lagMs: Int64)]
        var expanded: [Int32]

        static func == (lhs: IsrProposal, rhs: IsrProposal) -> Bool {
            lhs.leaderEpoch == rhs.leaderEpoch && lhs.isrBefore == rhs.isrBefore && lhs.isrAfter == rhs.isrAfter
        }
        func hash(into hasher: inout Hasher) {
            hasher.combine(leaderEpoch)
            hasher.combine(isrAfter)
        }
    }

    /// The ISR this leader wants now (pure over the partition's state); nil when it is the current one.
    func isrProposal(nowMs: Int64, lagTimeMaxMs: Int64) -> IsrProposal? {
        core.withLock { core -> IsrProposal? in
            guard case .leader(let leader) = core.role else { return nil }
            let leaderEnd = log.logEndOffset
            let highWatermark = log.highWatermark
            var shrunk: [(replica: Int32, lagRecords: Int64, lagMs: Int64)] = []
            var expanded: [Int32] = []
            var after: [Int32] = []
            for replica in leader.replicas {
                if replica == localBrokerId { after.append(replica); continue }
                guard let follower = leader.followers[replica] else { continue }
                let lagMs = nowMs - follower.lastCaughtUpTimeMs
                if leader.isr.contains(replica) {
                    if lagMs > lagTimeMaxMs {
                        shrunk.append((replica, leaderEnd - (follower.logEndOffset ?? 0), lagMs))
                    } else {
                        after.append(replica)
                    }
                } else if let end = follower.logEndOffset, end >= highWatermark, lagMs <= lagTimeMaxMs {
                    expanded.append(replica)
                    after.append(replica)
                }
            }
            guard Set(after) != Set(leader.isr) else { return nil }
            // Members keep the ISR's order; returning ones go at the end (Kafka appends them).
            let kept = leader.isr.filter { after.contains($0) }
            let isrAfter = kept + expanded
            precondition(isrAfter.contains(localBrokerId), "the leader never leaves its own ISR")
            return IsrProposal(
                leaderEpoch: leader.leaderEpoch, isrBefore: leader.isr, isrAfter: isrAfter, shrunk: shrunk,
                expanded: expanded)
        }
    }

    /// Each follower's lag as the leader sees it: records (leader LEO − its LEO) and ms since it last caught up.
    func followerLag(nowMs: Int64) -> [Int32: (records: Int64, ms: Int64)] {
        core.withLock { core in
            guard case .leader(let leader) = core.role else { return [:] }
            let leaderEnd = log.logEndOffset
            return leader.followers.mapValues { (leaderEnd - ($0.logEndOffset ?? 0), nowMs - $0.lastCaughtUpTimeMs) }
        }
    }

    /// Each follower's lag in records as the leader sees it (leader LEO − follower LEO; the whole log while its
    /// LEO is unknown); empty unless leading.
    var followerLagRecords: [Int32: Int64] {
        core.withLock { core in
            guard case .leader(let leader) = core.role else { return [:] }
            let leaderEnd = log.logEndOffset
            return leader.followers.mapValues { leaderEnd - ($0.logEndOffset ?? 0) }
        }
    }

    // MARK: replication, follower side

    /// The leader and epoch this replica follows; nil unless it is a follower.
    var followedLeader: (leaderId: Int32, leaderEpoch: Int32)? {
        core.withLock { core in
            if case .follower(let leaderId, let epoch) = core.role { (leaderId, epoch) } else { nil }
        }
    }

    /// The newest leader epoch this log holds batches of (or was assigned), nil when none.
    var latestLocalLeaderEpoch: Int32? { log.leaderEpochCache.latestEpoch }

    /// This log's end offset for `epoch` (OffsetForLeaderEpoch asked of itself).
    func localEndOffset(forLeaderEpoch epoch: Int32) -> (leaderEpoch: Int32, endOffset: Int64) {
        log.endOffset(forLeaderEpoch: epoch)
    }

    /// A follower learns the leader's high watermark: its own is that, capped by its log end offset.
    func followerUpdateHighWatermark(_ leaderHighWatermark: Int64) {
        let target = min(leaderHighWatermark, log.logEndOffset)
        if target > log.highWatermark, log.updateHighWatermark(target) {
            highWatermarkSignal.signal()
        }
        publishGauges()
    }

    // MARK: reads and offsets (the log stays private)

    /// The first offset still in the log.
    var logStartOffset: Int64 { log.logStartOffset }
    /// The offset the next appended record gets (LEO).
    var logEndOffset: Int64 { log.logEndOffset }
    /// Offsets below it are committed; consumers read only below it.
    var highWatermark: Int64 { log.highWatermark }
    /// Offsets below it are on stable storage.
    var recoveryPoint: Int64 { log.recoveryPoint }
    /// Bytes of batches in all segments.
    var sizeBytes: Int64 { log.sizeBytes }
    /// Segments on disk, the active one included.
    var segmentCount: Int { log.segmentCount }
    /// The partition directory.
    var directory: String { log.directory }

    /// Whole stored batches from `offset`, below `maxOffset`, within `maxBytes` (see `PartitionLog.read`).
    func read(from offset: Int64, maxBytes: Int, maxOffset: Int64) throws(ReadError) -> ByteBuffer {
        try log.read(from: offset, maxBytes: maxBytes, maxOffset: maxOffset)
    }

    /// The same batches as `read`, as a range of the segment file for a zero-copy send (see
    /// `PartitionLog.readFileRange`).
    func readFileRange(from offset: Int64, maxBytes: Int, maxOffset: Int64) throws(ReadError) -> FileRange? {
        try log.readFileRange(from: offset, maxBytes: maxBytes, maxOffset: maxOffset)
    }

    /// ListOffsets by time (see `PartitionLog.offsetForTimestamp`).
    func offsetForTimestamp(_ timestampMs: Int64) -> (offset: Int64, timestamp: Int64)? {
        log.offsetForTimestamp(timestampMs)
    }

    /// OffsetForLeaderEpoch: the end offset of `epoch` in this log; `(-1, -1)` when unknown.
    func endOffset(forLeaderEpoch epoch: Int32) -> (leaderEpoch: Int32, endOffset: Int64) {
        log.endOffset(forLeaderEpoch: epoch)
    }

    // MARK: maintenance and close

    /// Retention, a flush when due, the HW checkpoint and producer snapshot/expiry: the maintenance pass.
    /// Returns the number of producers expired.
    func maintain(retention: Bool, nowMs: Int64, producerIdExpirationMs: Int64) throws(StorageError) -> Int {
        if retention { _ = try log.applyRetention(nowMs: nowMs) }
        let flushed = try log.flushIfDue(nowMs: nowMs)
        try log.checkpointHighWatermark()
        try snapshotProducerState(force: false, flushed: flushed)
        return expireProducers(nowMs: nowMs, expirationMs: producerIdExpirationMs)
    }

    /// Flushes, checkpoints and closes the log (clean shutdown); further appends and reads fail.
    func close() throws(StorageError) {
        try log.close()
    }

    /// fsyncs everything unflushed and advances the recovery point.
    func flush() throws(StorageError) {
        try log.flush()
    }

    // MARK: producer state and snapshots

    /// The producers' entries (a copy; O(1), copy on write).
    var producerEntries: [Int64: ProducerStateEntry] { core.withLock { $0.producers.entries } }

    /// Offsets of the producer snapshots on disk, ascending.
    func producerSnapshotOffsets() throws(StorageError) -> [Int64] { try log.producerSnapshotOffsets() }

    /// Loads the producer state at open (after log recovery): drops snapshots beyond the log end offset
    /// (recovery may have cut the log below them), starts from the newest readable snapshot at or below it,
    /// and replays batch headers from its offset (the log start without one) to the log end offset.
    func loadProducerState() throws(StorageError) -> ProducerStateLoad {
        try producerSnapshots.withLock { (newest) throws(StorageError) in try reloadProducerState(&newest) }
    }

    /// Writes a snapshot of the producer state at the log end offset unless the newest snapshot is already
    /// there, then prunes old ones. Called on close; `force == false` (the maintenance pass) writes only when
    /// the log `flushed` or rolled since the newest snapshot (Kafka snapshots on roll).
    @discardableResult
    func snapshotProducerState(force: Bool, flushed: Bool = false) throws(StorageError) -> Bool {
        try producerSnapshots.withLock { (newest) throws(StorageError) in
            // A first segment starting at 0 is no roll; any later base above the newest snapshot is one.
            let rolled = log.activeSegmentBaseOffset > max(newest, 0)
            guard force || flushed || rolled else { return false }
            // LEO read under `core` matches the entries exactly (appends hold it).
            let (entries, logEndOffset) = core.withLock { ($0.producers.entries, log.logEndOffset) }
            guard logEndOffset != newest else { return false }
            try log.writeProducerSnapshot(ProducerStateSnapshot.encode(entries), offset: logEndOffset)
            newest = logEndOffset
            let offsets = try log.producerSnapshotOffsets()
            for offset in offsets.dropLast(Self.producerSnapshotsRetained) {
                try log.deleteProducerSnapshot(offset: offset)
            }
            return true
        }
    }

    /// Forgets producers idle for `producer.id.expiration.ms`; returns how many.
    @discardableResult
    func expireProducers(nowMs: Int64, expirationMs: Int64) -> Int {
        core.withLock { $0.producers.removeExpired(nowMs: nowMs, expirationMs: expirationMs) }
    }

    // MARK: follower hooks (the replica fetcher calls these instead of the log's own methods)

    /// Why a fetched response could not be appended.
    enum FollowerAppendRefusal: Error, Sendable {
        /// The partition no longer follows `leaderId` at that epoch (a role change raced the fetch).
        case roleChanged(PartitionRole)
        /// A batch starts below the log end offset and ends above it: the logs disagree at the batch level.
        case straddles(batchBase: Int64, logEndOffset: Int64)
        case log(AppendError)
    }

    /// Appends batches fetched from `leaderId` at `leaderEpoch`, as the leader wrote them, if this replica still
    /// follows it at that epoch — checked under the lock, so a fetch racing a role change never writes into a
    /// leader's log. Batches wholly below the log end offset (a re-sent tail) are skipped. Returns the records
    /// appended.
    func appendFetched(_ batches: ByteBuffer, leaderId: Int32, leaderEpoch: Int32) throws(FollowerAppendRefusal) -> Int64 {
        var fresh = batches
        let logEndOffset = log.logEndOffset
        var skip = 0
        let straddle: (Int64, Int64)? = fresh.withUnsafeReadableBytes { bytes in
            while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[skip...])),
                header.baseOffset < logEndOffset
            {
                guard header.lastOffset < logEndOffset else { return (header.baseOffset, logEndOffset) }
                skip += header.totalSize
            }
            return nil
        }
        if let (base, end) = straddle { throw .straddles(batchBase: base, logEndOffset: end) }
        fresh.moveReaderIndex(forwardBy: skip)
        guard fresh.readableBytes > 0 else { return 0 }
        let result = core.withLock { core -> Result<AppendInfo, FollowerAppendRefusal> in
            guard case .follower(let current, let epoch) = core.role, current == leaderId, epoch == leaderEpoch else {
                return .failure(.roleChanged(core.role))
            }
            do throws(AppendError) {
                let info = try log.appendAsFollower(fresh)
                Self.replayProducers(fresh, into: &core.producers)
                return .success(info)
            } catch {
                return .failure(.log(error))
            }
        }
        switch result {
        case .success(let info):
            logEndOffsetSignal.signal()
            publishGauges()
            return info.lastOffset - info.firstOffset + 1
        case .failure(let refusal): throw refusal
        }
    }

    /// Records the producers of `batches` (their headers) in `producers`.
    private static func replayProducers(_ batches: ByteBuffer, into producers: inout ProducerStateManager) {
        batches.withUnsafeReadableBytes { bytes in
            var position = 0
            while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) {
                producers.replay(header)
                position += header.totalSize
            }
            assert(position == bytes.count, "replayed batches cover the appended buffer")
        }
    }

    /// What a follower truncation removed.
    struct Truncation: Sendable, Hashable {
        var fromOffset: Int64
        var records: Int64
        /// Of ``records``, those this broker had acknowledged to producers while it led.
        var acknowledgedRecords: Int64
    }

    /// Truncates a follower's log to `offset` (KIP-101's divergent tail, or the HW fallback) if it still follows
    /// at `leaderEpoch`, counting first which of the dropped records this broker had acknowledged. nil when the
    /// role changed meanwhile.
    func truncateAsFollower(to offset: Int64, leaderEpoch: Int32) throws -> Truncation? {
        guard let followed = followedLeader, followed.leaderEpoch == leaderEpoch else { return nil }
        let from = log.logEndOffset
        guard offset < from else { return Truncation(fromOffset: from, records: 0, acknowledgedRecords: 0) }
        var acknowledgedRecords: Int64 = 0
        _ = try log.forEachBatchHeader(from: offset) { header in
            acknowledgedRecords += acknowledged.acknowledgedRecords(
                baseOffset: header.baseOffset, lastOffset: header.lastOffset, epoch: header.partitionLeaderEpoch,
                from: offset, to: from)
        }
        let dropped = try followerTruncate(to: offset)
        acknowledged.truncate(to: log.logEndOffset)
        publishGauges()
        return Truncation(fromOffset: from, records: dropped, acknowledgedRecords: min(acknowledgedRecords, dropped))
    }

    /// Producers were answered for every offset below `end` written at `leaderEpoch` (acks=1 after the append,
    /// acks=all once the HW passed it).
    func recordAcknowledged(upTo end: Int64, leaderEpoch: Int32) {
        acknowledged.acknowledge(upTo: end, epoch: leaderEpoch)
    }

    /// `sluice_partition_follower_lag_records` for each follower, as this leader sees it.
    func publishFollowerLag() {
        for (replica, lag) in followerLagRecords { metrics.gauges.followerLag(replica: replica).set(nonNegative: lag) }
    }

    /// Appends batches fetched from the leader and records their producers, so this replica deduplicates
    /// retries if it becomes leader (Kafka keeps producer state on followers too).
    func followerAppend(_ batches: ByteBuffer) throws(AppendError) -> AppendInfo {
        let info = try core.withLock { (core) throws(AppendError) in
            let info = try log.appendAsFollower(batches)
            batches.withUnsafeReadableBytes { bytes in
                var position = 0
                while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) {
                    core.producers.replay(header)
                    position += header.totalSize
                }
                assert(position == bytes.count, "replayed batches cover the appended buffer")
            }
            return info
        }
        logEndOffsetSignal.signal()
        return info
    }

    /// Truncates the log to `offset` and rebuilds the producer state for what is left.
    @discardableResult
    func followerTruncate(to offset: Int64) throws(StorageError) -> Int64 {
        try producerSnapshots.withLock { (newest) throws(StorageError) in
            let dropped = try log.truncate(to: offset)
            _ = try reloadProducerState(&newest)
            return dropped
        }
    }

    /// Empties the log to restart at `offset`; the producer state and its snapshots go too (Kafka's
    /// `truncateFullyAndStartAt`).
    @discardableResult
    func followerTruncateFully(startingAt offset: Int64) throws(StorageError) -> Int64 {
        try producerSnapshots.withLock { (newest) throws(StorageError) in
            let dropped = try log.truncateFully(startingAt: offset)
            for snapshot in try log.producerSnapshotOffsets() { try log.deleteProducerSnapshot(offset: snapshot) }
            core.withLock { $0.producers = ProducerStateManager() }
            newest = -1
            return dropped
        }
    }

    /// The load itself; the caller holds the snapshot lock (`newest`). `core` is held across the replay so
    /// no append interleaves with the rebuild.
    private func reloadProducerState(_ newest: inout Int64) throws(StorageError) -> ProducerStateLoad {
        try core.withLock { (core) throws(StorageError) in
            let logEndOffset = log.logEndOffset
            var load = ProducerStateLoad(
                snapshotOffset: nil, batchesReplayed: 0, producerCount: 0, snapshotsBeyondLogEnd: 0,
                snapshotsUnreadable: 0)
            var candidates: [Int64] = []
            for offset in try log.producerSnapshotOffsets() {
                guard offset <= logEndOffset else {
                    try log.deleteProducerSnapshot(offset: offset)
                    load.snapshotsBeyondLogEnd += 1
                    continue
                }
                candidates.append(offset)
            }
            var entries: [Int64: ProducerStateEntry] = [:]
            for offset in candidates.reversed() where load.snapshotOffset == nil {
                if let bytes = try log.readProducerSnapshot(offset: offset),
                    let decoded = ProducerStateSnapshot.decode(bytes)
                {
                    entries = decoded
                    load.snapshotOffset = offset
                } else {
                    try log.deleteProducerSnapshot(offset: offset)
                    load.snapshotsUnreadable += 1
                }
            }
            var rebuilt = ProducerStateManager(entries: entries)
            load.batchesReplayed = try log.forEachBatchHeader(from: load.snapshotOffset ?? 0) { rebuilt.replay($0) }
            load.producerCount = rebuilt.entries.count
            core.producers = rebuilt
            newest = load.snapshotOffset ?? -1
            return load
        }
    }

    // MARK: gauges and description

    /// Updates this partition's gauges from the log and role.
    func publishGauges() {
        let role = core.withLock { $0.role }
        var isrSize = 0
        var replicaCount = 0
        if case .leader(let state) = role {
            isrSize = state.isr.count
            replicaCount = state.replicas.count
        }
        metrics.update(
            logEndOffset: log.logEndOffset, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset,
            sizeBytes: log.sizeBytes, leaderEpoch: role.leaderEpoch, isrSize: isrSize, replicas: replicaCount)
    }

    /// The description `topics describe` shows.
    func describe() -> PartitionDescription {
        let role = core.withLock { $0.role }
        var replicas: [Int32] = []
        var isr: [Int32] = []
        if case .leader(let state) = role {
            replicas = state.replicas
            isr = state.isr
        }
        return PartitionDescription(
            partition: topicPartition.partition, leader: role.leader(localBrokerId: localBrokerId),
            leaderEpoch: role.leaderEpoch, replicas: replicas, isr: isr, logStartOffset: log.logStartOffset,
            logEndOffset: log.logEndOffset, highWatermark: log.highWatermark, sizeBytes: log.sizeBytes)
    }
}

/// Why a leader append wrote nothing (or, for `.log` after a roll or flush, could not make its bytes durable).
private enum AppendFailure: Error {
    case notLeader(_ localBrokerId: Int32, _ leader: Int32)
    case notEnoughReplicas(isrSize: Int, minInsyncReplicas: Int)
    /// The producer-state check refused it.
    case refused(ProducerStateError)
    case log(AppendError)

    /// The error the producer gets; counts and reports refusals (`sluice_broker_out_of_order_sequence_total`,
    /// `producer_fenced`).
    func error(_ topicPartition: TopicPartition, events: EventEmitter, metrics: PartitionMetrics) -> SluiceError {
        switch self {
        case .notLeader(let localBrokerId, let leader):
            return SluiceError(
                .notLeaderOrFollower,
                "broker \(localBrokerId) is not the leader of \(topicPartition) (leader: \(leader))")
        case .notEnoughReplicas(let isrSize, let minInsyncReplicas):
            return SluiceError(
                .notEnoughReplicas,
                "\(topicPartition) has \(isrSize) in-sync replicas, min.insync.replicas is \(minInsyncReplicas)")
        case .refused(let refusal):
            switch refusal {
            case .outOfOrderSequence:
                metrics.producerCounters.recordOutOfOrderSequence()
            case .fencedEpoch(let producerId, let producerEpoch, _):
                events.producerFenced(
                    producerId: producerId, producerEpoch: producerEpoch, topic: topicPartition.topic,
                    partition: topicPartition.partition)
            case .negativeEpoch:
                break
            }
            return SluiceError(refusal.errorCode, "\(topicPartition): \(refusal)")
        case .log(let error):
            return SluiceError(error.errorCode, "\(topicPartition): \(error)")
        }
    }
}
