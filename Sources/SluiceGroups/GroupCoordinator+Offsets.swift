import NIOCore
import SluiceWire

/// OffsetCommit and OffsetFetch: committed offsets are records of the group's `__consumer_offsets` partition,
/// appended with acks=all (answered only once the partition's ISR has them) and cached here for OffsetFetch.
extension GroupCoordinator {
    /// One partition's commit as a client sends it.
    public struct OffsetToCommit: Sendable {
        public var topicPartition: TopicPartition
        public var offset: Int64
        public var leaderEpoch: Int32
        public var metadata: String?

        public init(topicPartition: TopicPartition, offset: Int64, leaderEpoch: Int32, metadata: String?) {
            self.topicPartition = topicPartition
            self.offset = offset
            self.leaderEpoch = leaderEpoch
            self.metadata = metadata
        }
    }

    /// OffsetCommit: a member of the current generation, or anyone while the group has no members (a consumer
    /// that assigns its partitions itself: generation -1). Returns one error per partition, in order.
    public func commit(
        groupId: String, generationId: Int32, memberId: String, offsets toCommit: [OffsetToCommit]
    ) async -> [ErrorCode] {
        let error = await commitError(groupId: groupId, generationId: generationId, memberId: memberId)
        guard error == .none else { return toCommit.map { _ in error } }
        let nowMs = wallClockMs()
        var accepted: [OffsetCommitRecord] = []
        var results: [ErrorCode] = toCommit.map { _ in .none }
        for (index, entry) in toCommit.enumerated() {
            guard (entry.metadata?.utf8.count ?? 0) <= settings.metadataMaxBytes else {
                results[index] = .offsetMetadataTooLarge
                continue
            }
            accepted.append(
                OffsetCommitRecord(
                    group: groupId, topicPartition: entry.topicPartition,
                    commit: CommittedOffset(
                        offset: entry.offset, leaderEpoch: entry.leaderEpoch, metadata: entry.metadata,
                        commitTimestampMs: nowMs)))
        }
        guard !accepted.isEmpty else { return results }
        committing[groupId, default: 0] += 1
        defer {
            committing[groupId]! -= 1
            if committing[groupId] == 0 { committing[groupId] = nil }
        }
        let partition = Self.partition(of: groupId, partitions: settings.offsetsTopicPartitions)
        let written = await append(accepted, partition: partition, timestampMs: nowMs)
        guard written == .none else {
            return results.map { $0 == .none ? written : $0 }
        }
        // Applied only after the ISR has the records: a commit answered is a commit a failover keeps.
        applyIfLoaded(accepted, partition: partition, writtenMs: nowMs)
        return results
    }

    private func commitError(groupId: String, generationId: Int32, memberId: String) async -> ErrorCode {
        let error = await coordinatorError(for: groupId)
        guard error == .none else { return error }
        guard !groupId.isEmpty else { return .invalidGroupId }
        // Its offsets are being expired or rewritten: a commit now could land in the log before that batch and
        // be undone by it on replay. The client retries this at once.
        guard !maintaining.contains(groupId) else { return .coordinatorLoadInProgress }
        guard let group = groups[groupId], !group.isEmpty else {
            // No members: only a commit outside any generation (a consumer assigning partitions itself).
            return generationId < 0 ? .none : .illegalGeneration
        }
        guard let member = group.members[memberId] else { return .unknownMemberId }
        guard generationId == group.generationId else { return .illegalGeneration }
        member.lastSeenMs = monotonicMs()
        return group.state == .completingRebalance ? .rebalanceInProgress : .none
    }

    /// Applies records this coordinator appended, unless it unloaded their partition during the append (the
    /// partition's next coordinator replays them; applying here would leave stale entries behind). Returns whether
    /// they were applied.
    @discardableResult
    func applyIfLoaded(_ records: [OffsetCommitRecord], partition: Int32, writtenMs: Int64) -> Bool {
        guard loaded[partition] != nil else { return false }
        for record in records { apply(record, writtenMs: writtenMs) }
        return true
    }

    /// Appends `records` as one batch to offsets partition `partition` and waits for its ISR. Maps the produce
    /// errors as Kafka's coordinator does: a lost leadership is NOT_COORDINATOR, too few replicas
    /// COORDINATOR_NOT_AVAILABLE.
    func append(_ records: [OffsetCommitRecord], partition: Int32, timestampMs: Int64) async -> ErrorCode {
        var builder = RecordBatchBuilder(firstTimestamp: timestampMs)
        for record in records { builder.append(key: record.key, value: record.value, timestamp: timestampMs) }
        var request = ProduceRequest(
            acks: -1, timeoutMs: settings.commitTimeoutMs,
            topics: [ProduceTopicData(name: Self.offsetsTopic, partitions: [
                ProducePartitionData(partition: partition, records: builder.finish())
            ])])
        let response = await replicaManager.produce(&request)
        let code = response.topics.first?.partitions.first?.errorCode ?? .unknownServerError
        switch code {
        case .none: return .none
        case .notLeaderOrFollower, .unknownTopicOrPartition: return .notCoordinator
        case .notEnoughReplicas, .notEnoughReplicasAfterAppend, .requestTimedOut: return .coordinatorNotAvailable
        case .messageTooLarge, .recordListTooLarge: return .invalidCommitOffsetSize
        default: return .unknownServerError
        }
    }

    /// OffsetFetch: the committed offset of each partition asked for (-1 when none), or of every partition the
    /// group committed when `partitions` is nil.
    public func fetchOffsets(
        groupId: String, partitions: [TopicPartition]?
    ) async -> (ErrorCode, [(TopicPartition, CommittedOffset?)]) {
        let error = await coordinatorError(for: groupId)
        guard error == .none else { return (error, []) }
        let committed = offsets[groupId] ?? [:]
        let wanted = partitions ?? committed.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        return (.none, wanted.map { ($0, committed[$0]) })
    }
}
