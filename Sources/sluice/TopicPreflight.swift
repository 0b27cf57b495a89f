import SluiceClient
import SluiceWire

/// Checks the topic (and an explicit partition) with one Metadata request before a producer starts.
///
/// Why: the producer library waits up to max.block.ms (60 s) for metadata of an unknown topic, as Kafka's
/// does (the topic may be being created); a command-line user wants `UNKNOWN_TOPIC_OR_PARTITION` at once.
enum TopicPreflight {
    /// Throws `SluiceError(.unknownTopicOrPartition)` when `topic` does not exist or has no `partition`.
    static func check(topic: String, partition: Int32?, bootstrapServers: String, clientId: String) async throws {
        try await CommandRunner.withClient(bootstrapServers: bootstrapServers, clientId: clientId) { client in
            let partitionCount = Int32(try await client.partitions(of: topic).count)
            guard partitionCount > 0 else {
                throw SluiceError(.unknownTopicOrPartition, "topic '\(topic)' has no partitions")
            }
            if let partition, partition >= partitionCount {
                throw SluiceError(
                    .unknownTopicOrPartition,
                    "partition \(topic)-\(partition) does not exist (the topic has \(partitionCount) partitions)")
            }
        }
    }
}
