import NIOCore
import SluiceWire

/// OffsetForLeaderEpoch (key 23), v2–v3: the end offset of a leader epoch, which a consumer uses to check its
/// position after a leader change (KIP-320) — the same lookup followers make over the native protocol.
public enum KafkaOffsetForLeaderEpoch {
    /// Reads a request body of `version` (2–3) as the native request (a consumer's: replica id -1).
    public static func decodeRequest(
        _ reader: inout KafkaReader, version: Int16
    ) throws(KafkaProtocolError) -> OffsetForLeaderEpochRequest {
        precondition(
            KafkaApiKey.offsetForLeaderEpoch.servedVersions.contains(version),
            "OffsetForLeaderEpoch v\(version) is not served")
        if version >= 3 { _ = try reader.int32() }  // replica_id
        let topicCount = try reader.arrayLength(minimumElementBytes: 6) ?? 0
        var topics: [OffsetForLeaderEpochTopic] = []
        topics.reserveCapacity(topicCount)
        for _ in 0..<topicCount {
            let name = try reader.string()
            let partitionCount = try reader.arrayLength(minimumElementBytes: 12) ?? 0
            var partitions: [OffsetForLeaderEpochPartition] = []
            partitions.reserveCapacity(partitionCount)
            for _ in 0..<partitionCount {
                let index = try reader.int32()
                let currentLeaderEpoch = try reader.int32()
                partitions.append(
                    OffsetForLeaderEpochPartition(
                        partition: index, leaderEpoch: try reader.int32(), currentLeaderEpoch: currentLeaderEpoch))
            }
            topics.append(OffsetForLeaderEpochTopic(name: name, partitions: partitions))
        }
        return OffsetForLeaderEpochRequest(replicaId: -1, topics: topics)
    }

    /// The response body for `version` (2–3 share a layout).
    public static func responseBody(_ response: OffsetForLeaderEpochResponse, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.int32(0)  // throttle_time_ms
        writer.array(response.topics) { writer, topic in
            writer.string(topic.name)
            writer.array(topic.partitions) { writer, partition in
                writer.int16(partition.errorCode.rawValue)
                writer.int32(partition.partition)
                writer.int32(partition.leaderEpoch)
                writer.int64(partition.endOffset)
            }
        }
        return writer.buffer
    }
}
