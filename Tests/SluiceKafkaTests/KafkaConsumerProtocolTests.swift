import NIOCore
import SluiceKafka
import SluiceWire
import Testing

/// The consumer protocol's bytes and Kafka's range assignor, as `perf consume --group` uses them as a group leader.
@Suite struct KafkaConsumerProtocolTests {
    @Test func aSubscriptionAndAnAssignmentRoundTrip() {
        #expect(KafkaConsumerProtocol.subscribedTopics(KafkaConsumerProtocol.subscription(topics: ["a", "b"])) == ["a", "b"])
        #expect(KafkaConsumerProtocol.subscribedTopics(ByteBuffer(bytes: [0, 0, 0x7f])) == [], "cut bytes: none")
        let partitions = [TopicPartition(topic: "b", partition: 1), TopicPartition(topic: "a", partition: 0)]
        let decoded = KafkaConsumerProtocol.assignedPartitions(KafkaConsumerProtocol.assignment(partitions))
        #expect(Set(decoded) == Set(partitions))
    }

    /// Kafka's RangeAssignor: members sorted by id take contiguous ranges, the first `partitions % members` one
    /// more; a member not subscribed to a topic gets none of it; every member has an entry.
    @Test func theRangeAssignorDealsContiguousRangesAsKafkas() {
        let assignment = KafkaConsumerProtocol.rangeAssignment(
            subscriptions: [("m2", ["t", "u"]), ("m1", ["t"]), ("m3", ["t", "u"]), ("idle", ["other"])],
            partitionCounts: ["t": 7, "u": 2])
        func partitions(_ member: String, _ topic: String) -> [Int32] {
            (assignment[member] ?? []).filter { $0.topic == topic }.map(\.partition)
        }
        // t: 7 partitions over idle-less m1, m2, m3 → 3, 2, 2.
        #expect(partitions("m1", "t") == [0, 1, 2])
        #expect(partitions("m2", "t") == [3, 4])
        #expect(partitions("m3", "t") == [5, 6])
        // u: 2 partitions over m2, m3 → 1 each; m1 is not subscribed.
        #expect(partitions("m2", "u") == [0])
        #expect(partitions("m3", "u") == [1])
        #expect(partitions("m1", "u") == [])
        #expect(assignment["idle"] == [], "a member with nothing to take still gets an (empty) assignment")
        let more = KafkaConsumerProtocol.rangeAssignment(
            subscriptions: [("a", ["t"]), ("b", ["t"]), ("c", ["t"])], partitionCounts: ["t": 2])
        #expect(more["c"] == [], "more members than partitions: the last get none")
    }
}
