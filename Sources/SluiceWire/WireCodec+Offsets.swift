import CSluiceProto

// ListOffsets and OffsetForLeaderEpoch, each model ⇄ its protobuf-c message (`WireMessage`, topics through
// `WireTopic`; bodies that are only their topics through `ProtobufCTopicList`).

// MARK: ListOffsets

extension ListOffsetsPartition: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ListOffsetsPartition>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.timestamp = timestamp
    }

    init(unpacked message: Sluice__ListOffsetsPartition) {
        self.init(partition: message.partition, timestamp: message.timestamp)
    }
}

extension ListOffsetsTopic: WireTopic { typealias ProtobufC = Sluice__ListOffsetsTopic }

extension ListOffsetsPartitionResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ListOffsetsPartitionResponse>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.timestamp = timestamp
        message.pointee.offset = offset
        message.pointee.leader_epoch = leaderEpoch
    }

    init(unpacked message: Sluice__ListOffsetsPartitionResponse) {
        self.init(
            partition: message.partition, errorCode: WireCodec.errorCode(message.error_code),
            timestamp: message.timestamp, offset: message.offset, leaderEpoch: message.leader_epoch)
    }
}

extension ListOffsetsTopicResponse: WireTopic { typealias ProtobufC = Sluice__ListOffsetsTopicResponse }

// MARK: OffsetForLeaderEpoch

extension OffsetForLeaderEpochPartition: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochPartition>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.leader_epoch = leaderEpoch
    }

    init(unpacked message: Sluice__OffsetForLeaderEpochPartition) {
        self.init(partition: message.partition, leaderEpoch: message.leader_epoch)
    }
}

extension OffsetForLeaderEpochTopic: WireTopic { typealias ProtobufC = Sluice__OffsetForLeaderEpochTopic }

extension OffsetForLeaderEpochRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochRequest>, arena: WireArena) {
        message.pointee.replica_id = replicaId
        (message.pointee.n_topics, message.pointee.topics) = arena.messages(topics)
    }

    init(unpacked message: Sluice__OffsetForLeaderEpochRequest) throws(DecodeError) {
        self.init(
            replicaId: message.replica_id, topics: try WireCodec.messages(count: message.n_topics, message.topics))
    }
}

extension OffsetForLeaderEpochPartitionResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__OffsetForLeaderEpochPartitionResponse>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.leader_epoch = leaderEpoch
        message.pointee.end_offset = endOffset
    }

    init(unpacked message: Sluice__OffsetForLeaderEpochPartitionResponse) {
        self.init(
            partition: message.partition, errorCode: WireCodec.errorCode(message.error_code),
            leaderEpoch: message.leader_epoch, endOffset: message.end_offset)
    }
}

extension OffsetForLeaderEpochTopicResponse: WireTopic {
    typealias ProtobufC = Sluice__OffsetForLeaderEpochTopicResponse
}
