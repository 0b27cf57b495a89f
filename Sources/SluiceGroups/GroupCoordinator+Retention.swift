import SluiceWire

/// Keeping `__consumer_offsets` bounded without compaction: the topic is deleted by time like any other
/// (`offsets.topic.retention.ms`, whole segments of `offsets.topic.segment.bytes`), and the coordinator makes
/// that safe. Every `offsets.retention.check.interval.ms` it
/// - **expires** the offsets of groups without members: `offsets.retention.minutes` after the later of the commit
///   and the group becoming empty (KIP-211), with tombstone records, so a replay does not bring them back;
/// - **rewrites** every other commit whose newest record is older than half the topic's retention, so the
///   partition always holds a copy younger than retention: with the check interval below half of retention
///   (a config rule), a commit's newest record is at most `retention / 2 + interval < retention` old.
///
/// Why not compaction: the storage layer deletes whole segments only, and a coordinator that already holds every
/// live commit in memory can re-append the few that go quiet for far less code than a log cleaner. The cost is
/// one record per idle commit per half retention. Storage per offsets partition is bounded by what is written in
/// one retention period plus one segment.
extension GroupCoordinator {
    /// What one check does to one offsets partition: tombstones for expired commits, copies of the stale ones.
    struct OffsetsMaintenance: Equatable {
        var expired: [OffsetCommitRecord] = []
        var rewritten: [OffsetCommitRecord] = []

        var isEmpty: Bool { expired.isEmpty && rewritten.isEmpty }
    }

    /// The decision for the groups of one offsets partition, pure. A group with members keeps its offsets; an
    /// empty one (or one known only by its offsets) loses them `offsetsRetentionMs` after
    /// max(commit time, emptied time, partition load time); a kept commit whose record is `topicRetentionMs / 2`
    /// old or more is rewritten (`topicRetentionMs` -1: never).
    static func maintenance(
        offsets: [String: [TopicPartition: CommittedOffset]], writtenMs: [String: [TopicPartition: Int64]],
        emptySinceMs: (String) -> Int64?, loadedAtMs: Int64, nowMs: Int64, offsetsRetentionMs: Int64,
        topicRetentionMs: Int64
    ) -> OffsetsMaintenance {
        var result = OffsetsMaintenance()
        for groupId in offsets.keys.sorted() {
            let emptySince = emptySinceMs(groupId)
            let committed = offsets[groupId] ?? [:]
            for topicPartition in committed.keys.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
                let commit = committed[topicPartition]!
                if let emptySince {
                    let since = max(commit.commitTimestampMs, emptySince, loadedAtMs)
                    if nowMs - since >= offsetsRetentionMs {
                        result.expired.append(OffsetCommitRecord(group: groupId, topicPartition: topicPartition, commit: nil))
                        continue
                    }
                }
                let written = writtenMs[groupId]?[topicPartition] ?? .min
                if topicRetentionMs >= 0, nowMs - written >= topicRetentionMs / 2 {
                    result.rewritten.append(OffsetCommitRecord(group: groupId, topicPartition: topicPartition, commit: commit))
                }
            }
        }
        return result
    }

    /// One retention check over every offsets partition loaded here.
    func maintainOffsets() async {
        // Each group's partition, hashed once per check.
        let groupIdsByPartition = Dictionary(grouping: offsets.keys) {
            Self.partition(of: $0, partitions: settings.offsetsTopicPartitions)
        }
        for partition in loaded.keys.sorted() {
            guard let loadedAt = loadedAtMs[partition] else { continue }
            // A group with a commit in flight is left for the next check: its commit could land in the log after
            // a rewrite planned from the older value, which a replay would then undo.
            var partitionOffsets: [String: [TopicPartition: CommittedOffset]] = [:]
            for groupId in groupIdsByPartition[partition] ?? [] where committing[groupId] == nil {
                partitionOffsets[groupId] = offsets[groupId]
            }
            let nowMs = wallClockMs()
            let plan = Self.maintenance(
                offsets: partitionOffsets, writtenMs: offsetsWrittenMs,
                emptySinceMs: { [groups] groupId in
                    guard let group = groups[groupId] else { return 0 }
                    return group.isEmpty ? group.emptySinceMs : nil
                },
                loadedAtMs: loadedAt, nowMs: nowMs, offsetsRetentionMs: settings.offsetsRetentionMs,
                topicRetentionMs: settings.offsetsTopicRetentionMs)
            guard !plan.isEmpty else { continue }
            await write(plan, partition: partition, nowMs: nowMs)
        }
    }

    /// Appends the plan in batches of at most `chunkRecords` (well under `max.message.bytes` even with the
    /// largest metadata) and applies each batch once its ISR has it; a failed batch is retried at the next check,
    /// and a partition unloaded meanwhile is left to its next coordinator.
    private func write(_ plan: OffsetsMaintenance, partition: Int32, nowMs: Int64) async {
        let chunkRecords = 200
        let records = plan.expired + plan.rewritten
        let groupIds = Set(records.map(\.group))
        maintaining.formUnion(groupIds)
        defer { maintaining.subtract(groupIds) }
        var start = 0
        while start < records.count {
            let chunk = Array(records[start..<min(start + chunkRecords, records.count)])
            start += chunk.count
            let error = await append(chunk, partition: partition, timestampMs: nowMs)
            guard error == .none else {
                logger.warning(
                    "offsets retention of \(Self.offsetsTopic)-\(partition) could not write: \(error.name); retrying at the next check")
                return
            }
            guard applyIfLoaded(chunk, partition: partition, writtenMs: nowMs) else { return }
        }
        for group in Set(plan.expired.map(\.group)) where offsets[group] == nil {
            if let consumerGroup = groups[group], consumerGroup.isEmpty {
                groups[group] = nil
                metrics.removeGroup(group)
            }
        }
        logger.info(
            "offsets retention of \(Self.offsetsTopic)-\(partition): \(plan.expired.count) expired, \(plan.rewritten.count) rewritten",
            metadata: ["sluice.topic": "\(Self.offsetsTopic)", "sluice.partition": "\(partition)"])
    }
}
