import NIOCore
import SluiceWire

/// OffsetFetch (key 9), v1–v5, non-flexible: one group's committed offsets, for the partitions named or (v2+, a
/// null topic array) every partition it committed.
public enum KafkaOffsetFetch {
    public struct Request: Sendable, Equatable {
        public var groupId: String
        /// nil: every committed partition.
        public var partitions: [TopicPartition]?
    }

    /// One partition's answer: nil offset is "no commit" (-1).
    public struct Entry: Sendable {
        public var topicPartition: TopicPartition
        public var offset: Int64
        public var leaderEpoch: Int32
        public var metadata: String?
        public var errorCode: ErrorCode

        public init(topicPartition: TopicPartition, offset: Int64, leaderEpoch: Int32, metadata: String?, errorCode: ErrorCode) {
            self.topicPartition = topicPartition
            self.offset = offset
            self.leaderEpoch = leaderEpoch
            self.metadata = metadata
            self.errorCode = errorCode
        }
    }

    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        let groupId = try reader.string()
        guard let count = try reader.arrayLength(minimumElementBytes: 6) else {
            return Request(groupId: groupId, partitions: nil)
        }
        var partitions: [TopicPartition] = []
        for _ in 0..<count {
            let name = try reader.string()
            let indexes = try reader.arrayLength(minimumElementBytes: 4) ?? 0
            for _ in 0..<indexes { partitions.append(TopicPartition(topic: name, partition: try reader.int32())) }
        }
        return Request(groupId: groupId, partitions: partitions)
    }

    /// Entries grouped by topic in order of first appearance; `errorCode` is the group-level error (v2+).
    public static func responseBody(_ entries: [Entry], errorCode: ErrorCode, version: Int16) -> ByteBuffer {
        var order: [String] = []
        var byTopic: [String: [Entry]] = [:]
        for entry in entries {
            if byTopic[entry.topicPartition.topic] == nil { order.append(entry.topicPartition.topic) }
            byTopic[entry.topicPartition.topic, default: []].append(entry)
        }
        var writer = KafkaWriter()
        if version >= 3 { writer.int32(0) }  // throttle_time_ms
        writer.array(order) { writer, topic in
            writer.string(topic)
            writer.array(byTopic[topic] ?? []) { writer, entry in
                writer.int32(entry.topicPartition.partition)
                writer.int64(entry.offset)
                if version >= 5 { writer.int32(entry.leaderEpoch) }
                writer.string(entry.metadata)
                writer.int16(entry.errorCode.rawValue)
            }
        }
        if version >= 2 { writer.int16(errorCode.rawValue) }
        return writer.buffer
    }
}
