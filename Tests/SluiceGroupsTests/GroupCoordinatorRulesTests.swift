import SluiceWire
import Testing

@testable import SluiceGroups

/// The coordinator's pure rules: which `__consumer_offsets` partition a group lives on (Kafka's own formula, so a
/// group maps as in Kafka), how a protocol is chosen, and the committed-offset record format.
@Suite struct GroupCoordinatorRulesTests {
    @Test func aGroupLivesOnThePartitionKafkaWouldPick() {
        // Java's String.hashCode: "my-group" is -1906497762; abs % 50 = 12. "polygenelubricants" hashes to
        // Integer.MIN_VALUE, which Kafka's Utils.abs maps to 0.
        let cases: [(String, Int32, Int32)] = [
            ("my-group", 12, 2), ("g1", 42, 2), ("console-consumer-12345", 6, 1), ("polygenelubricants", 0, 0),
            ("grüße", 23, 3), ("", 0, 0),
        ]
        for (group, of50, of5) in cases {
            #expect(GroupCoordinator.partition(of: group, partitions: 50) == of50, "\(group)")
            #expect(GroupCoordinator.partition(of: group, partitions: 5) == of5, "\(group)")
        }
    }

    @Test func theProtocolIsVotedAmongThoseEveryMemberSupports() {
        #expect(ConsumerGroup.vote([["range", "roundrobin"], ["roundrobin", "range"], ["roundrobin"]]) == "roundrobin")
        #expect(ConsumerGroup.vote([["cooperative-sticky", "range"], ["range", "cooperative-sticky"]]) == "cooperative-sticky",
                "a tie goes to the first member's preference")
        #expect(ConsumerGroup.vote([["range"], ["roundrobin"]]) == nil)
        #expect(ConsumerGroup.vote([]) == nil)
    }

    @Test func aGroupAcceptsOnlyMembersSharingItsTypeAndAProtocol() {
        let group = ConsumerGroup(groupId: "g")
        #expect(group.accepts(protocolType: "consumer", protocols: ["range"]))
        #expect(!group.accepts(protocolType: "consumer", protocols: []))
        group.add(
            GroupMember(
                memberId: "a", groupInstanceId: nil, clientId: "c", clientHost: "h", sessionTimeoutMs: 6_000,
                rebalanceTimeoutMs: 6_000, protocols: [("range", .init())], nowMs: 0),
            protocolType: "consumer")
        #expect(group.accepts(protocolType: "consumer", protocols: ["roundrobin", "range"]))
        #expect(!group.accepts(protocolType: "consumer", protocols: ["roundrobin"]))
        #expect(!group.accepts(protocolType: "connect", protocols: ["range"]))
    }

    @Test func anEmptyGroupWaitsTheInitialDelayAndAStartedOneItsRebalanceTimeout() {
        let group = ConsumerGroup(groupId: "g")
        let member = GroupMember(
            memberId: "a", groupInstanceId: nil, clientId: "c", clientHost: "h", sessionTimeoutMs: 6_000,
            rebalanceTimeoutMs: 10_000, protocols: [("range", .init())], nowMs: 0)
        group.add(member, protocolType: "consumer")
        group.prepareRebalance(reason: "join", nowMs: 1_000, initialDelayMs: 3_000)
        #expect(group.state == .preparingRebalance)
        #expect(!group.joinPhaseIsDue(nowMs: 1_500), "the member has not rejoined")
        #expect(group.joinPhaseIsDue(nowMs: 11_000), "the rebalance timeout passed")
        let dropped = group.completeJoinPhase()
        #expect(dropped == ["a"], "a member that did not rejoin is dropped")
        #expect(group.state == .empty)
        #expect(group.generationId == 1)
    }

    @Test func committedOffsetsRoundTripAsRecords() throws {
        let commit = CommittedOffset(offset: 42, leaderEpoch: 3, metadata: "m", commitTimestampMs: 1_700_000_000_000)
        let record = OffsetCommitRecord(
            group: "grüße", topicPartition: TopicPartition(topic: "orders", partition: 7), commit: commit)
        let decoded = try #require(OffsetCommitRecord(key: record.key, value: record.value))
        #expect(decoded == record)
        let tombstone = OffsetCommitRecord(group: "g", topicPartition: TopicPartition(topic: "t", partition: 0), commit: nil)
        #expect(tombstone.value == nil)
        #expect(OffsetCommitRecord(key: tombstone.key, value: nil) == tombstone)
        let noMetadata = OffsetCommitRecord(
            group: "g", topicPartition: TopicPartition(topic: "t", partition: 1),
            commit: CommittedOffset(offset: 0, leaderEpoch: -1, metadata: nil, commitTimestampMs: 0))
        #expect(OffsetCommitRecord(key: noMetadata.key, value: noMetadata.value) == noMetadata)
        #expect(OffsetCommitRecord(key: [9, 1, 0], value: nil) == nil, "another version is skipped")
        #expect(OffsetCommitRecord(key: record.key, value: [1, 2]) == nil, "a cut value is skipped")
    }

    /// Retention: an empty group's offsets go `offsetsRetentionMs` after the latest of commit, emptied and load time;
    /// a group with members keeps them; a kept commit whose record is half the topic's retention old is rewritten.
    @Test func emptyGroupsOffsetsExpireAndQuietCommitsAreRewrittenBeforeTheyAgeOut() {
        let day: Int64 = 86_400_000
        let t0 = TopicPartition(topic: "t", partition: 0)
        func commit(at ms: Int64) -> CommittedOffset {
            CommittedOffset(offset: 5, leaderEpoch: 0, metadata: nil, commitTimestampMs: ms)
        }
        let offsets: [String: [TopicPartition: CommittedOffset]] = [
            "active": [t0: commit(at: 0)],  // members: kept however old, rewritten
            "emptied-late": [t0: commit(at: 0)],  // empty only since day 6: kept until day 13
            "standalone": [t0: commit(at: 0)],  // no group object: timed from its commit (and the load)
            "fresh": [t0: commit(at: 7 * day)],  // committed just now
        ]
        let written: [String: [TopicPartition: Int64]] = [
            "active": [t0: 0], "emptied-late": [t0: 0], "standalone": [t0: 0], "fresh": [t0: 7 * day],
        ]
        let emptySince: (String) -> Int64? = { group in
            switch group {
            case "active": nil
            case "emptied-late": 6 * day
            default: 0
            }
        }
        let plan = GroupCoordinator.maintenance(
            offsets: offsets, writtenMs: written, emptySinceMs: emptySince, loadedAtMs: 0, nowMs: 7 * day,
            offsetsRetentionMs: 7 * day, topicRetentionMs: day)
        #expect(plan.expired.map(\.group) == ["standalone"])
        #expect(plan.expired.allSatisfy { $0.commit == nil }, "expiry writes tombstones")
        #expect(plan.rewritten.map(\.group) == ["active", "emptied-late"])
        #expect(plan.rewritten.map(\.commit) == [commit(at: 0), commit(at: 0)], "a rewrite keeps the commit time")

        // Loaded only on day 6 (a failover): the standalone commit gets a full retention from then.
        let afterFailover = GroupCoordinator.maintenance(
            offsets: offsets, writtenMs: written, emptySinceMs: emptySince, loadedAtMs: 6 * day, nowMs: 7 * day,
            offsetsRetentionMs: 7 * day, topicRetentionMs: day)
        #expect(afterFailover.expired.isEmpty)
        // Topic retention -1: nothing ages out, nothing is rewritten.
        let forever = GroupCoordinator.maintenance(
            offsets: offsets, writtenMs: written, emptySinceMs: emptySince, loadedAtMs: 6 * day, nowMs: 7 * day,
            offsetsRetentionMs: 7 * day, topicRetentionMs: -1)
        #expect(forever.isEmpty)
        // Half retention is the line: a record just younger is left alone.
        let young = GroupCoordinator.maintenance(
            offsets: ["active": [t0: commit(at: 0)]], writtenMs: ["active": [t0: 7 * day - day / 2 + 1]],
            emptySinceMs: emptySince, loadedAtMs: 0, nowMs: 7 * day, offsetsRetentionMs: 7 * day,
            topicRetentionMs: day)
        #expect(young.isEmpty)
    }
}
