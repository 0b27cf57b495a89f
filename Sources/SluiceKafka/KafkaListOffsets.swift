import NIOCore
import SluiceWire

/// ListOffsets (key 2), v1–v5: earliest (-2), latest (-1, the high watermark: no transactions, so read_committed
/// and read_uncommitted agree) or the first offset at or after a timestamp, with the leader epoch from v4.
public enum KafkaListOffsets {
    /// Reads a request body of `version` (1–5) as the native request.
    public static func decodeRequest(
        _ reader: inout KafkaReader, version: Int16
    ) throws(KafkaProtocolError) -> ListOffsetsRequest {
        precondition(KafkaApiKey.listOffsets.servedVersions.contains(version), "ListOffsets v\(version) is not served")
        _ = try reader.int32()  // replica_id
        if version >= 2 { _ = try reader.int8() }  // isolation_level: both read up to the HW
        let partitionBytes = 12 + (version >= 4 ? 4 : 0)
        let topicCount = try reader.arrayLength(minimumElementBytes: 6) ?? 0
        var topics: [ListOffsetsTopic] = []
        topics.reserveCapacity(topicCount)
        for _ in 0..<topicCount {
            let name = try reader.string()
            let partitionCount = try reader.arrayLength(minimumElementBytes: partitionBytes) ?? 0
            var partitions: [ListOffsetsPartition] = []
            partitions.reserveCapacity(partitionCount)
            for _ in 0..<partitionCount {
                let index = try reader.int32()
                let currentLeaderEpoch = version >= 4 ? try reader.int32() : -1
                partitions.append(
                    ListOffsetsPartition(
                        partition: index, timestamp: try reader.int64(), currentLeaderEpoch: currentLeaderEpoch))
            }
            topics.append(ListOffsetsTopic(name: name, partitions: partitions))
        }
        return ListOffsetsRequest(topics: topics)
    }

    /// The response body for `version` (1–5).
    public static func responseBody(_ response: ListOffsetsResponse, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        if version >= 2 { writer.int32(0) }  // throttle_time_ms
        writer.array(response.topics) { writer, topic in
            writer.string(topic.name)
            writer.array(topic.partitions) { writer, partition in
                writer.int32(partition.partition)
                writer.int16(partition.errorCode.rawValue)
                writer.int64(partition.timestamp)
                writer.int64(partition.offset)
                if version >= 4 { writer.int32(partition.leaderEpoch) }
            }
        }
        return writer.buffer
    }
}
