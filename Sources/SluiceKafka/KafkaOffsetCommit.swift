import NIOCore
import SluiceWire

/// OffsetCommit (key 8), v2–v7, non-flexible.
public enum KafkaOffsetCommit {
    public struct Partition: Sendable, Equatable {
        public var index: Int32
        public var offset: Int64
        /// v6+; -1 before.
        public var leaderEpoch: Int32
        public var metadata: String?

        public init(index: Int32, offset: Int64, leaderEpoch: Int32, metadata: String?) {
            self.index = index
            self.offset = offset
            self.leaderEpoch = leaderEpoch
            self.metadata = metadata
        }
    }

    public struct Request: Sendable, Equatable {
        public var groupId: String
        public var generationId: Int32
        public var memberId: String
        public var topics: [(name: String, partitions: [Partition])]

        public static func == (lhs: Request, rhs: Request) -> Bool {
            lhs.groupId == rhs.groupId && lhs.generationId == rhs.generationId && lhs.memberId == rhs.memberId
                && lhs.topics.map(\.name) == rhs.topics.map(\.name)
                && lhs.topics.map(\.partitions) == rhs.topics.map(\.partitions)
        }
    }

    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        let groupId = try reader.string()
        let generationId = try reader.int32()
        let memberId = try reader.string()
        if version >= 2 && version <= 4 { _ = try reader.int64() }  // retention_time_ms: offsets are kept
        if version >= 7 { _ = try reader.nullableString() }  // group_instance_id
        let partitionBytes = 14 + (version >= 6 ? 4 : 0)
        let count = try reader.arrayLength(minimumElementBytes: 6) ?? 0
        var topics: [(name: String, partitions: [Partition])] = []
        for _ in 0..<count {
            let name = try reader.string()
            let partitionCount = try reader.arrayLength(minimumElementBytes: partitionBytes) ?? 0
            var partitions: [Partition] = []
            for _ in 0..<partitionCount {
                let index = try reader.int32()
                let offset = try reader.int64()
                let leaderEpoch = version >= 6 ? try reader.int32() : -1
                partitions.append(
                    Partition(index: index, offset: offset, leaderEpoch: leaderEpoch, metadata: try reader.nullableString()))
            }
            topics.append((name, partitions))
        }
        return Request(groupId: groupId, generationId: generationId, memberId: memberId, topics: topics)
    }

    /// `errors` in the request's order, one per partition.
    public static func responseBody(_ request: Request, errors: [ErrorCode], version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        if version >= 3 { writer.int32(0) }  // throttle_time_ms
        var index = 0
        writer.array(request.topics) { writer, topic in
            writer.string(topic.name)
            writer.array(topic.partitions) { writer, partition in
                writer.int32(partition.index)
                writer.int16((index < errors.count ? errors[index] : .unknownServerError).rawValue)
                index += 1
            }
        }
        return writer.buffer
    }
}
