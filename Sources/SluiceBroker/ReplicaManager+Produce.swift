import NIOCore
import SluiceObservability
import SluiceWire

extension ReplicaManager {
    /// A partition whose acks=all response waits for HW to reach `target` (its last offset + 1).
    struct ReplicationWait {
        let topicIndex: Int
        let partitionIndex: Int
        let target: Int64
        /// The leader epoch the batches were written at.
        let leaderEpoch: Int32
        let hosted: Partition
    }

    /// Handles a Produce request: appends each partition's batches as received, then, for acks=all,
    /// parks until HW passes them (bounded by the request's timeout) — Kafka's produce purgatory.
    ///
    /// `request` is taken `inout` so batches are stamped in the request's own buffers (no copy).
    public func produce(_ request: inout ProduceRequest) async -> ProduceResponse {
        let started = ContinuousClock.now
        let acks = request.acks
        guard acks == 0 || acks == 1 || acks == -1 else {
            return Self.failAll(request, .invalidRequiredAcks, "acks must be 0, 1 or -1 (all), not \(acks)")
        }
        let nowMs = clock()
        var response = ProduceResponse(topics: [])
        var waits: [ReplicationWait] = []
        for topicIndex in request.topics.indices {
            let name = request.topics[topicIndex].name
            var topicResponse = ProduceTopicResponse(name: name, partitions: [])
            for partitionIndex in request.topics[topicIndex].partitions.indices {
                let number = request.topics[topicIndex].partitions[partitionIndex].partition
                let (result, appended) = appendOne(
                    TopicPartition(topic: name, partition: number),
                    &request.topics[topicIndex].partitions[partitionIndex].records, acks: acks, nowMs: nowMs)
                if acks == -1, let appended {
                    waits.append(ReplicationWait(
                        topicIndex: topicIndex, partitionIndex: topicResponse.partitions.count,
                        target: appended.target, leaderEpoch: appended.leaderEpoch, hosted: appended.hosted))
                }
                topicResponse.partitions.append(result)
            }
            response.topics.append(topicResponse)
        }
        await awaitReplication(&response, waits: waits, timeout: .milliseconds(Int64(max(0, request.timeoutMs))))
        if !waits.isEmpty { ReplicationFault.crashIfAsked() }
        if let label = ProduceAcks(wireValue: acks) { metrics.recordProduceRequest(acks: label, latency: started.duration(to: .now)) }
        return response
    }

    /// Appends one partition's batches; returns the partition's response and, on success, what acks=all waits for.
    private func appendOne(
        _ topicPartition: TopicPartition, _ records: inout ByteBuffer, acks: Int16, nowMs: Int64
    ) -> (ProducePartitionResponse, (target: Int64, leaderEpoch: Int32, hosted: Partition)?) {
        guard let hosted = partition(topicPartition) else {
            let response = ProducePartitionResponse(
                partition: topicPartition.partition, errorCode: .unknownTopicOrPartition,
                errorMessage: "this broker does not host \(topicPartition)")
            return (response, nil)
        }
        do {
            let (result, leaderEpoch) = try hosted.appendAsLeader(&records, acks: acks, nowMs: nowMs)
            if case .appended(let info) = result {
                hosted.metrics.recordsAppended(count: Int64(info.recordCount), bytes: Int64(info.bytes))
            }
            // acks=1 is answered now: these records count as acknowledged (acks=all once replicated).
            if acks == 1 { hosted.recordAcknowledged(upTo: result.lastOffset + 1, leaderEpoch: leaderEpoch) }
            // A duplicate answers its original offset with no error, and acks=all waits for it like the original.
            let response = ProducePartitionResponse(
                partition: topicPartition.partition, baseOffset: result.firstOffset, logAppendTimeMs: -1,
                logStartOffset: hosted.logStartOffset)
            return (response, (result.lastOffset + 1, leaderEpoch, hosted))
        } catch {
            if error.code == .notEnoughReplicas { hosted.metrics.counters.recordNotEnoughReplicas() }
            let response = ProducePartitionResponse(
                partition: topicPartition.partition, errorCode: error.code, errorMessage: error.message)
            return (response, nil)
        }
    }

    /// Parks until every acks=all partition's HW reaches its target; a partition that times out answers
    /// REQUEST_TIMED_OUT (the records are in the leader's log, but not known to be replicated), one whose
    /// leadership ended first answers NOT_LEADER_OR_FOLLOWER at once (the producer retries on the new leader).
    private func awaitReplication(_ response: inout ProduceResponse, waits: [ReplicationWait], timeout: Duration) async {
        guard !waits.isEmpty else { return }
        let alreadyReplicated = waits.allSatisfy { $0.hosted.highWatermark >= $0.target }
        if alreadyReplicated {
            for wait in waits { wait.hosted.recordAcknowledged(upTo: wait.target, leaderEpoch: wait.leaderEpoch) }
            return
        }
        metrics.setProducePurgatorySize(purgatorySize.add(1, ordering: .relaxed).newValue)
        defer { metrics.setProducePurgatorySize(purgatorySize.subtract(1, ordering: .relaxed).newValue) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        for wait in waits {
            let remaining = clock.now.duration(to: deadline)
            let outcome = await wait.hosted.awaitHighWatermark(
                atLeast: wait.target, leaderEpoch: wait.leaderEpoch, timeout: max(.zero, remaining))
            var partition = response.topics[wait.topicIndex].partitions[wait.partitionIndex]
            switch outcome {
            case .replicated:
                wait.hosted.recordAcknowledged(upTo: wait.target, leaderEpoch: wait.leaderEpoch)
                continue
            case .timedOut:
                partition.errorCode = .requestTimedOut
                partition.errorMessage = "HW of \(wait.hosted.topicPartition) did not reach \(wait.target) in time"
            case .leadershipLost(let role):
                partition.errorCode = .notLeaderOrFollower
                partition.errorMessage = "broker \(brokerId) stopped leading \(wait.hosted.topicPartition) at leader "
                    + "epoch \(wait.leaderEpoch) before the HW reached \(wait.target) (now \(role.summary))"
            }
            response.topics[wait.topicIndex].partitions[wait.partitionIndex] = partition
        }
    }

    /// Every partition of `request` fails with `code`.
    static func failAll(_ request: ProduceRequest, _ code: ErrorCode, _ message: String) -> ProduceResponse {
        ProduceResponse(topics: request.topics.map { topic in
            ProduceTopicResponse(name: topic.name, partitions: topic.partitions.map {
                ProducePartitionResponse(partition: $0.partition, errorCode: code, errorMessage: message)
            })
        })
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
