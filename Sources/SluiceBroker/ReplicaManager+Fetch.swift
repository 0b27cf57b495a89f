import NIOCore
import SluiceObservability
import SluiceStorage
import SluiceWire

extension ReplicaManager {
    /// Kafka's DEBUGGING_CONSUMER_ID: a fetch that any replica answers from its own log, below its HW.
    public static let debuggingReplicaId: Int32 = -2

    /// Handles a Fetch: whole stored batches from each requested offset, up to HW for consumers and
    /// up to LEO for followers (`replicaId >= 0`), within the byte limits. When less than `minBytes`
    /// is available it waits (up to `maxWaitMs`) for one of the requested partitions to move — its HW for
    /// a consumer, its LEO for a follower — then reads again. Appends to other partitions do not wake it.
    public func fetch(_ request: FetchRequest) async -> FetchResponse {
        let started = ContinuousClock.now
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(max(0, request.maxWaitMs))))
        // Registered only once a read came up short; the read after registering closes the race with an append.
        var armed: (waker: Waker, signals: [PartitionSignal])?
        while true {
            let (response, bytes, failed) = readOnce(request)
            let now = clock.now
            if bytes >= Int(request.minBytes) || failed || now >= deadline || Task.isCancelled {
                if let armed { for signal in armed.signals { signal.unregister(armed.waker) } }
                recordFetch(response, follower: request.replicaId >= 0, latency: started.duration(to: .now))
                return response
            }
            if let (waker, signals) = armed {
                if await waker.wait(timeout: now.duration(to: deadline)) { fetchWakeups.add(1, ordering: .relaxed) }
                for signal in signals { signal.unregister(waker) }
                armed = nil
            } else {
                armed = arm(request)
            }
        }
    }

    /// A waker registered on the signal of each requested partition hosted here (LEO for followers, HW for
    /// consumers).
    private func arm(_ request: FetchRequest) -> (waker: Waker, signals: [PartitionSignal]) {
        let waker = Waker()
        var signals: [PartitionSignal] = []
        for topic in request.topics {
            for wanted in topic.partitions {
                guard let hosted = partition(TopicPartition(topic: topic.name, partition: wanted.partition)) else {
                    continue
                }
                let signal = request.replicaId >= 0 ? hosted.logEndOffsetSignal : hosted.highWatermarkSignal
                signal.register(waker)
                signals.append(signal)
            }
        }
        return (waker, signals)
    }

    /// One pass over the requested partitions; returns the response, its record bytes and whether any partition failed.
    private func readOnce(_ request: FetchRequest) -> (FetchResponse, Int, Bool) {
        var remaining = Int(max(0, request.maxBytes))
        var total = 0
        var failed = false
        let response = FetchResponse(topics: request.topics.map { topic in
            FetchTopicResponse(name: topic.name, partitions: topic.partitions.map { wanted in
                let result = readPartition(
                    TopicPartition(topic: topic.name, partition: wanted.partition), wanted,
                    replicaId: request.replicaId, maxBytes: min(remaining, Int(max(0, wanted.partitionMaxBytes))))
                remaining -= result.recordsByteCount
                total += result.recordsByteCount
                failed = failed || result.errorCode != .none
                return result
            })
        })
        return (response, total, failed)
    }

    private func readPartition(
        _ topicPartition: TopicPartition, _ wanted: FetchPartition, replicaId: Int32, maxBytes: Int
    ) -> FetchPartitionResponse {
        guard let hosted = partition(topicPartition) else {
            return FetchPartitionResponse(partition: wanted.partition, errorCode: .unknownTopicOrPartition)
        }
        let log = hosted  // the partition forwards to its private log
        if let fenced = Self.epochError(current: wanted.currentLeaderEpoch, hosted: hosted.leaderEpoch) {
            return FetchPartitionResponse(partition: wanted.partition, errorCode: fenced)
        }
        // Followers and consumers read from the leader; a debugging fetch (-2, verify-replicas) from any replica.
        if replicaId != Self.debuggingReplicaId, !hosted.isLeader {
            return FetchPartitionResponse(partition: wanted.partition, errorCode: .notLeaderOrFollower)
        }
        if replicaId >= 0 {
            // The fetch offset is the follower's log end offset: its progress, the HW, maybe an ISR expansion.
            guard let progress = hosted.recordFollowerFetch(replica: replicaId, fetchOffset: wanted.fetchOffset, nowMs: clock())
            else { return FetchPartitionResponse(partition: wanted.partition, errorCode: .notLeaderOrFollower) }
            if progress.expandCandidate { isrChangeSignal.signal() }
        }
        let maxOffset = replicaId >= 0 ? log.logEndOffset : log.highWatermark
        var response = FetchPartitionResponse(
            partition: wanted.partition, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset,
            logEndOffset: log.logEndOffset)
        do {
            if maxBytes > 0 || wanted.fetchOffset >= maxOffset {
                // Zero copy: the batches stay in the segment file until the listener sends them (sendfile).
                response.fileRecords = try log.readFileRange(
                    from: wanted.fetchOffset, maxBytes: max(1, maxBytes), maxOffset: maxOffset)
            }
        } catch {
            response.errorCode = error.errorCode
        }
        return response
    }

    private func recordFetch(_ response: FetchResponse, follower: Bool, latency: Duration) {
        metrics.recordFetchRequest(type: follower ? .follower : .consumer, latency: latency)
        for topic in response.topics {
            for result in topic.partitions where result.recordsByteCount > 0 {
                partition(TopicPartition(topic: topic.name, partition: result.partition))?
                    .metrics.counters.recordFetch(bytes: result.recordsByteCount)
            }
        }
    }

    /// Handles ListOffsets, on the leader only (NOT_LEADER_OR_FOLLOWER elsewhere) and fenced by the client's
    /// current leader epoch when it gives one: earliest (-2) is the log start offset, latest (-1) the high
    /// watermark, a timestamp the first record at or after it (below HW), else -1.
    public func listOffsets(_ request: ListOffsetsRequest) -> ListOffsetsResponse {
        ListOffsetsResponse(topics: request.topics.map { topic in
            ListOffsetsTopicResponse(name: topic.name, partitions: topic.partitions.map { wanted in
                guard let hosted = partition(TopicPartition(topic: topic.name, partition: wanted.partition)) else {
                    return ListOffsetsPartitionResponse(partition: wanted.partition, errorCode: .unknownTopicOrPartition)
                }
                if let fenced = Self.epochError(current: wanted.currentLeaderEpoch, hosted: hosted.leaderEpoch) {
                    return ListOffsetsPartitionResponse(partition: wanted.partition, errorCode: fenced)
                }
                guard hosted.isLeader else {
                    return ListOffsetsPartitionResponse(partition: wanted.partition, errorCode: .notLeaderOrFollower)
                }
                return Self.listOffset(hosted, timestamp: wanted.timestamp)
            })
        })
    }

    /// KIP-320's fencing of a client's current leader epoch against this replica's: older is
    /// FENCED_LEADER_EPOCH (the client must refresh), newer UNKNOWN_LEADER_EPOCH (this replica is behind);
    /// nil when they agree or the client gave none (-1).
    static func epochError(current: Int32, hosted: Int32) -> ErrorCode? {
        guard current >= 0, current != hosted else { return nil }
        return current < hosted ? .fencedLeaderEpoch : .unknownLeaderEpoch
    }

    private static func listOffset(_ hosted: Partition, timestamp: Int64) -> ListOffsetsPartitionResponse {
        let log = hosted  // the partition forwards to its private log
        let number = hosted.topicPartition.partition
        switch timestamp {
        case ListOffsetsPartition.earliestTimestamp:
            return ListOffsetsPartitionResponse(partition: number, offset: log.logStartOffset, leaderEpoch: hosted.leaderEpoch)
        case ListOffsetsPartition.latestTimestamp:
            return ListOffsetsPartitionResponse(partition: number, offset: log.highWatermark, leaderEpoch: hosted.leaderEpoch)
        default:
            guard let found = log.offsetForTimestamp(timestamp), found.offset < log.highWatermark else {
                return ListOffsetsPartitionResponse(partition: number, timestamp: -1, offset: -1)
            }
            return ListOffsetsPartitionResponse(
                partition: number, timestamp: found.timestamp, offset: found.offset, leaderEpoch: hosted.leaderEpoch)
        }
    }
}
