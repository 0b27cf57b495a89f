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
}
