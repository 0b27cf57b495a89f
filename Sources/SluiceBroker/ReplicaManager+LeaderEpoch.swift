import SluiceWire

extension ReplicaManager {
    /// Handles OffsetForLeaderEpoch (KIP-101): for each partition, the end offset of the requested epoch
    /// (the start offset of the next larger epoch, or LEO for the current one), from the leader-epoch cache.
    public func offsetForLeaderEpoch(_ request: OffsetForLeaderEpochRequest) -> OffsetForLeaderEpochResponse {
        OffsetForLeaderEpochResponse(topics: request.topics.map { topic in
            OffsetForLeaderEpochTopicResponse(name: topic.name, partitions: topic.partitions.map { wanted in
                guard let hosted = partition(TopicPartition(topic: topic.name, partition: wanted.partition)) else {
                    return OffsetForLeaderEpochPartitionResponse(
                        partition: wanted.partition, errorCode: .unknownTopicOrPartition, leaderEpoch: -1, endOffset: -1)
                }
                if let fenced = Self.epochError(current: wanted.currentLeaderEpoch, hosted: hosted.leaderEpoch) {
                    return OffsetForLeaderEpochPartitionResponse(
                        partition: wanted.partition, errorCode: fenced, leaderEpoch: -1, endOffset: -1)
                }
                let (epoch, endOffset) = hosted.endOffset(forLeaderEpoch: wanted.leaderEpoch)
                return OffsetForLeaderEpochPartitionResponse(
                    partition: wanted.partition, leaderEpoch: epoch, endOffset: endOffset)
            })
        })
    }
}
