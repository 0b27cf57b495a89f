import NIOCore
import SluiceWire

/// Kafka's ConsumerProtocol: the bytes consumers put in JoinGroup's member metadata (their subscription) and
/// SyncGroup's assignment, opaque to the broker. Read by `sluice groups describe` to show who consumes what.
public enum KafkaConsumerProtocol {
    /// The partitions of an assignment (ConsumerProtocolAssignment v0–v3: version, [topic, [partition]],
    /// user data, …); empty for bytes that are not one (an empty assignment, another protocol type).
    public static func assignedPartitions(_ bytes: ByteBuffer) -> [TopicPartition] {
        var reader = KafkaReader(bytes)
        guard bytes.readableBytes >= 2, (try? reader.int16()) != nil,
            let topicCount = try? reader.arrayLength(minimumElementBytes: 6)
        else { return [] }
        var partitions: [TopicPartition] = []
        for _ in 0..<(topicCount ?? 0) {
            guard let topic = try? reader.string(), let count = try? reader.arrayLength(minimumElementBytes: 4) else {
                return []
            }
            for _ in 0..<(count ?? 0) {
                guard let partition = try? reader.int32() else { return [] }
                partitions.append(TopicPartition(topic: topic, partition: partition))
            }
        }
        return partitions
    }

    /// An assignment of `partitions` (version 0), as a consumer group leader writes it.
    public static func assignment(_ partitions: [TopicPartition]) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.int16(0)
        let topics = Dictionary(grouping: partitions, by: \.topic).sorted { $0.key < $1.key }
        writer.array(topics) { writer, topic in
            writer.string(topic.key)
            writer.int32Array(topic.value.map(\.partition).sorted())
        }
        writer.nullableBytes(nil)
        return writer.buffer
    }

    /// A subscription to `topics` (ConsumerProtocolSubscription v0: version, [topic], user data), the member
    /// metadata a consumer joins with.
    public static func subscription(topics: [String]) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.int16(0)
        writer.array(topics) { $0.string($1) }
        writer.nullableBytes(nil)
        return writer.buffer
    }

    /// The topics of a subscription (any version: later ones only add fields after these); empty for bytes that
    /// are not one.
    public static func subscribedTopics(_ bytes: ByteBuffer) -> [String] {
        var reader = KafkaReader(bytes)
        guard (try? reader.int16()) != nil, let count = try? reader.arrayLength(minimumElementBytes: 2) else { return [] }
        var topics: [String] = []
        for _ in 0..<(count ?? 0) {
            guard let topic = try? reader.string() else { return [] }
            topics.append(topic)
        }
        return topics
    }

    /// Kafka's range assignor (`RangeAssignor`): per topic, the members subscribed to it sorted by member id
    /// each take a contiguous range of its partitions, the first `partitions % members` one more. Topics without
    /// a partition count are left out. Every member gets an entry, possibly empty.
    public static func rangeAssignment(
        subscriptions: [(memberId: String, topics: [String])], partitionCounts: [String: Int32]
    ) -> [String: [TopicPartition]] {
        var assignment: [String: [TopicPartition]] = [:]
        for subscription in subscriptions { assignment[subscription.memberId] = [] }
        for (topic, partitionCount) in partitionCounts.sorted(by: { $0.key < $1.key }) {
            let members = subscriptions.filter { $0.topics.contains(topic) }.map(\.memberId).sorted()
            guard !members.isEmpty else { continue }
            let share = Int(partitionCount) / members.count
            let extra = Int(partitionCount) % members.count
            var next = 0
            for (index, member) in members.enumerated() {
                let count = share + (index < extra ? 1 : 0)
                assignment[member]! += (next..<next + count).map { TopicPartition(topic: topic, partition: Int32($0)) }
                next += count
            }
            assert(next == Int(partitionCount), "every partition of \(topic) is assigned once")
        }
        return assignment
    }
}
