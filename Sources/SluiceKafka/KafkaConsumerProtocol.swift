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
}
