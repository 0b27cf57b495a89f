import Logging
import NIOCore
import SluiceClient
import SluiceObservability
import SluiceWire

/// One follower's fetch loop from one leader broker (Kafka's ReplicaFetcherThread): every hosted partition
/// following `leaderId` goes in one long-polling Fetch (`replica_id` = this broker, `fetch_offset` = the local
/// LEO, `current_leader_epoch` = the follower's), and the returned batches are appended as the leader wrote them.
/// Before a partition's first fetch at a leader epoch it is reconciled (KIP-101/KIP-279): OffsetForLeaderEpoch
/// with its latest local epoch, then truncation of the divergent tail (to HW where it has no epoch history).
struct ReplicaFetcher: Sendable {
    let leaderId: Int32
    let replicaManager: ReplicaManager
    let cache: BrokerMetadataCache
    let eventLoopGroup: any EventLoopGroup
    let config: ReplicationConfig
    let logger: Logger

    /// A partition this fetcher serves, with the epoch it follows at.
    private struct Followed {
        let partition: Partition
        let leaderEpoch: Int32
        var topicPartition: TopicPartition { partition.topicPartition }
    }

    /// Fetches until no hosted partition follows `leaderId` and `release` grants the end, or until cancelled.
    func run(until release: @Sendable () -> Bool) async {
        var connection: BrokerConnection?
        /// The epoch each partition was reconciled (truncated) at; fetching starts only after.
        var reconciled: [TopicPartition: Int32] = [:]
        var backoffUntil: [TopicPartition: ContinuousClock.Instant] = [:]
        let backoff = Duration.milliseconds(config.replicaFetchBackoffMs)
        // Bound: every pass sends one request or sleeps; cancellation or release ends it.
        while !Task.isCancelled {
            let followed = followedPartitions()
            if followed.isEmpty {
                if release() { break }
                continue
            }
            let now = ContinuousClock.now
            let ready = followed.filter { (backoffUntil[$0.topicPartition] ?? now) <= now }
            guard !ready.isEmpty else {
                try? await Task.sleep(for: .milliseconds(min(100, config.replicaFetchBackoffMs)))
                continue
            }
            guard let open = await connect(reusing: connection) else {
                connection = nil
                try? await Task.sleep(for: backoff)
                continue
            }
            connection = open
            do {
                let unreconciled = ready.filter { reconciled[$0.topicPartition] != $0.leaderEpoch }
                if !unreconciled.isEmpty {
                    for (topicPartition, epoch) in try await reconcile(unreconciled, on: open) {
                        reconciled[topicPartition] = epoch
                    }
                }
                let fetchable = ready.filter { reconciled[$0.topicPartition] == $0.leaderEpoch }
                if fetchable.isEmpty {
                    for entry in unreconciled { backoffUntil[entry.topicPartition] = .now + backoff }
                    continue
                }
                for failed in try await fetch(fetchable, on: open) { backoffUntil[failed] = .now + backoff }
            } catch {
                logger.info("replica fetch from broker \(leaderId) failed: \(error); reconnecting")
                await open.close()
                connection = nil
                try? await Task.sleep(for: backoff)
            }
        }
        await connection?.close()
    }

    private func followedPartitions() -> [Followed] {
        replicaManager.allPartitions.compactMap { partition in
            guard let followed = partition.followedLeader, followed.leaderId == leaderId else { return nil }
            return Followed(partition: partition, leaderEpoch: followed.leaderEpoch)
        }
    }

    /// The open connection, or a new one to the leader's address in the metadata; nil when it cannot be had.
    private func connect(reusing connection: BrokerConnection?) async -> BrokerConnection? {
        if let connection, connection.isActive { return connection }
        await connection?.close()
        guard let broker = cache.image.brokers[leaderId] else { return nil }
        do {
            return try await BrokerConnection.connect(
                to: BrokerAddress(broker), clientId: "replica-fetcher-\(replicaManager.brokerId)", group: eventLoopGroup,
                connectTimeout: .seconds(2),
                requestTimeout: .milliseconds(Int64(config.replicaFetchWaitMaxMs)) + .seconds(10))
        } catch {
            logger.info("cannot reach leader broker \(leaderId) at \(broker.host):\(broker.port): \(error)")
            return nil
        }
    }

    // MARK: reconciliation (KIP-101, KIP-279)

    /// Asks the leader where each partition's latest local epoch ends there, and truncates what diverges.
    /// Returns the partitions reconciled, with the epoch they were reconciled at.
    private func reconcile(_ entries: [Followed], on connection: BrokerConnection) async throws -> [(TopicPartition, Int32)] {
        var done: [(TopicPartition, Int32)] = []
        var asked: [Followed] = []
        for entry in entries {
            // No epoch history: an empty log has nothing to reconcile; otherwise fall back to the HW (below).
            if entry.partition.latestLocalLeaderEpoch == nil {
                try await truncate(entry, to: entry.partition.highWatermark)
                done.append((entry.topicPartition, entry.leaderEpoch))
            } else {
                asked.append(entry)
            }
        }
        guard !asked.isEmpty else { return done }
        let byTopic = Dictionary(grouping: asked, by: { $0.topicPartition.topic })
        let request = OffsetForLeaderEpochRequest(
            replicaId: replicaManager.brokerId,
            topics: byTopic.map { topic, list in
                OffsetForLeaderEpochTopic(name: topic, partitions: list.map {
                    OffsetForLeaderEpochPartition(
                        partition: $0.topicPartition.partition, leaderEpoch: $0.partition.latestLocalLeaderEpoch ?? -1)
                })
            })
        let response = try await connection.send(.offsetForLeaderEpoch(request))
        guard case .offsetForLeaderEpoch(let answer) = response.body else {
            throw SluiceError(.unknownServerError, "broker \(leaderId) sent no OffsetForLeaderEpoch answer")
        }
        for topic in answer.topics {
            for result in topic.partitions {
                guard let entry = byTopic[topic.name]?.first(where: { $0.topicPartition.partition == result.partition })
                else { continue }
                guard result.errorCode == .none else { continue }
                try await truncate(entry, to: Self.truncationOffset(entry.partition, leaderAnswer: result))
                done.append((entry.topicPartition, entry.leaderEpoch))
            }
        }
        return done
    }

    /// Where a follower's log must end to agree with the leader's (Kafka's `getOffsetTruncationState`): the
    /// leader's end offset for the largest epoch ≤ the follower's latest, capped by the follower's own end of
    /// that epoch (KIP-279) and its LEO; the HW when the leader knows no such epoch.
    static func truncationOffset(_ partition: Partition, leaderAnswer: OffsetForLeaderEpochPartitionResponse) -> Int64 {
        let logEndOffset = partition.logEndOffset
        guard leaderAnswer.leaderEpoch >= 0, leaderAnswer.endOffset >= 0 else {
            return min(partition.highWatermark, logEndOffset)
        }
        var target = min(leaderAnswer.endOffset, logEndOffset)
        if let latest = partition.latestLocalLeaderEpoch, leaderAnswer.leaderEpoch < latest {
            let local = partition.localEndOffset(forLeaderEpoch: leaderAnswer.leaderEpoch)
            if local.leaderEpoch == leaderAnswer.leaderEpoch, local.endOffset >= 0 { target = min(target, local.endOffset) }
        }
        return target
    }

    /// Truncates `entry` to `offset` (if it still follows at that epoch) on the I/O pool, counting and reporting it.
    private func truncate(_ entry: Followed, to offset: Int64) async throws {
        guard offset < entry.partition.logEndOffset else { return }
        let partition = entry.partition
        let epoch = entry.leaderEpoch
        let outcome = try await replicaManager.runBlocking { try partition.truncateAsFollower(to: offset, leaderEpoch: epoch) }
        guard let truncation = outcome, truncation.records > 0 else { return }
        partition.metrics.gauges.truncatedRecords.increment(by: truncation.records)
        partition.metrics.gauges.truncatedAckedRecords.increment(by: truncation.acknowledgedRecords)
        replicaManager.events.logTruncated(
            topic: entry.topicPartition.topic, partition: entry.topicPartition.partition,
            fromOffset: truncation.fromOffset, toOffset: offset, records: truncation.records,
            ackedRecords: truncation.acknowledgedRecords, leaderEpoch: epoch)
    }

    // MARK: fetch

    /// One Fetch for `entries`; appends what came back and takes the leader's HW. Returns the partitions that
    /// got an error (to back off).
    private func fetch(_ entries: [Followed], on connection: BrokerConnection) async throws -> [TopicPartition] {
        let byTopic = Dictionary(grouping: entries, by: { $0.topicPartition.topic })
        let request = FetchRequest(
            replicaId: replicaManager.brokerId, maxWaitMs: config.replicaFetchWaitMaxMs,
            minBytes: config.replicaFetchMinBytes, maxBytes: config.replicaFetchResponseMaxBytes,
            topics: byTopic.map { topic, list in
                FetchTopic(name: topic, partitions: list.map {
                    FetchPartition(
                        partition: $0.topicPartition.partition, fetchOffset: $0.partition.logEndOffset,
                        partitionMaxBytes: config.replicaFetchMaxBytes, currentLeaderEpoch: $0.leaderEpoch)
                })
            })
        let response = try await connection.send(.fetch(request))
        guard case .fetch(let fetched) = response.body else {
            throw SluiceError(.unknownServerError, "broker \(leaderId) sent no Fetch answer")
        }
        var failed: [TopicPartition] = []
        for topic in fetched.topics {
            for result in topic.partitions {
                guard let entry = byTopic[topic.name]?.first(where: { $0.topicPartition.partition == result.partition })
                else { continue }
                if !(try await apply(result, to: entry)) { failed.append(entry.topicPartition) }
            }
        }
        return failed
    }

    /// Appends one partition's fetched batches and takes the leader's HW; false on a partition error.
    private func apply(_ result: FetchPartitionResponse, to entry: Followed) async throws -> Bool {
        let partition = entry.partition
        switch result.errorCode {
        case .none:
            break
        case .offsetOutOfRange:
            // Behind the leader's log start (retention): start over there, as Kafka's truncateFullyAndStartAt.
            let start = result.logStartOffset
            if start > partition.logEndOffset {
                _ = try await replicaManager.runBlocking { try partition.followerTruncateFully(startingAt: start) }
            }
            return true
        default:
            logger.debug("fetch of \(entry.topicPartition) from broker \(leaderId): \(result.errorCode)")
            return false
        }
        if result.records.readableBytes > 0 {
            do {
                _ = try partition.appendFetched(result.records, leaderId: leaderId, leaderEpoch: entry.leaderEpoch)
            } catch .roleChanged {
                return true  // the next pass reads the new role
            } catch {
                logger.warning("cannot append batches of \(entry.topicPartition) fetched from broker \(leaderId): \(error)")
                return false
            }
        }
        partition.followerUpdateHighWatermark(result.highWatermark)
        return true
    }
}
