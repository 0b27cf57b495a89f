import CProtobufC
import CSluiceProto

// The protobuf-c structs Sluice's models travel as (`WireMessage.ProtobufC`), each with its generated
// `sluice__xxx__init`; topics and bodies that are only their topics also take the nesting protocols of
// WireTopic.swift. One table, by API area: a new message adds its conformance here and its model's in the
// WireCodec+Area.swift of its area.

/// A protobuf-c message struct as protoc-c generates it (`Sluice__FetchTopic`): made ready by its generated
/// `sluice__xxx__init`, which sets the descriptor and every default.
protocol ProtobufCStruct {
    /// Sets `message` to the message's defaults (protobuf-c's `*__INIT`); memory may be uninitialised.
    static func initialize(_ message: UnsafeMutablePointer<Self>)
}

// MARK: Metadata and topic administration

extension Sluice__MetadataRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__metadata_request__init(message)
    }
}

extension Sluice__MetadataResponse: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__metadata_response__init(message)
    }
}

extension Sluice__BrokerInfo: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__broker_info__init(message)
    }
}

extension Sluice__TopicMetadata: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__topic_metadata__init(message)
    }
}

extension Sluice__PartitionMetadata: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__partition_metadata__init(message)
    }
}

extension Sluice__CreateTopicsRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__create_topics_request__init(message)
    }
}

extension Sluice__CreatableTopic: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__creatable_topic__init(message)
    }
}

extension Sluice__DeleteTopicsRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__delete_topics_request__init(message)
    }
}

extension Sluice__TopicResult: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__topic_result__init(message)
    }
}

extension Sluice__CreateTopicsResponse: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__create_topics_response__init(message)
    }
}

extension Sluice__DeleteTopicsResponse: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__delete_topics_response__init(message)
    }
}

extension Sluice__DescribeClusterResponse: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__describe_cluster_response__init(message)
    }
}

extension Sluice__DescribeTopicsRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__describe_topics_request__init(message)
    }
}

extension Sluice__TopicDescription: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__topic_description__init(message)
    }
}

extension Sluice__PartitionDescription: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__partition_description__init(message)
    }
}

extension Sluice__DescribeTopicsResponse: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__describe_topics_response__init(message)
    }
}

// MARK: Produce and InitProducerId

extension Sluice__ProducePartitionData: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__produce_partition_data__init(message)
    }
}

extension Sluice__ProduceTopicData: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__produce_topic_data__init(message)
    }
}

extension Sluice__ProduceRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__produce_request__init(message)
    }
}

extension Sluice__ProducePartitionResponse: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__produce_partition_response__init(message)
    }
}

extension Sluice__ProduceTopicResponse: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__produce_topic_response__init(message)
    }
}

extension Sluice__ProduceResponse: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__produce_response__init(message)
    }
}

extension Sluice__InitProducerIdRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__init_producer_id_request__init(message)
    }
}

extension Sluice__InitProducerIdResponse: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__init_producer_id_response__init(message)
    }
}

// MARK: Fetch

extension Sluice__FetchPartition: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__fetch_partition__init(message)
    }
}

extension Sluice__FetchTopic: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__fetch_topic__init(message)
    }
}

extension Sluice__FetchRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__fetch_request__init(message)
    }
}

extension Sluice__FetchPartitionResponse: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__fetch_partition_response__init(message)
    }
}

extension Sluice__FetchTopicResponse: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__fetch_topic_response__init(message)
    }
}

extension Sluice__FetchResponse: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__fetch_response__init(message)
    }
}

// MARK: ListOffsets and OffsetForLeaderEpoch

extension Sluice__ListOffsetsPartition: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__list_offsets_partition__init(message)
    }
}

extension Sluice__ListOffsetsTopic: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__list_offsets_topic__init(message)
    }
}

extension Sluice__ListOffsetsRequest: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__list_offsets_request__init(message)
    }
}

extension Sluice__ListOffsetsPartitionResponse: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__list_offsets_partition_response__init(message)
    }
}

extension Sluice__ListOffsetsTopicResponse: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__list_offsets_topic_response__init(message)
    }
}

extension Sluice__ListOffsetsResponse: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__list_offsets_response__init(message)
    }
}

extension Sluice__OffsetForLeaderEpochPartition: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__offset_for_leader_epoch_partition__init(message)
    }
}

extension Sluice__OffsetForLeaderEpochTopic: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__offset_for_leader_epoch_topic__init(message)
    }
}

extension Sluice__OffsetForLeaderEpochRequest: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__offset_for_leader_epoch_request__init(message)
    }
}

extension Sluice__OffsetForLeaderEpochPartitionResponse: ProtobufCStruct {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__offset_for_leader_epoch_partition_response__init(message)
    }
}

extension Sluice__OffsetForLeaderEpochTopicResponse: ProtobufCTopic {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__offset_for_leader_epoch_topic_response__init(message)
    }
}

extension Sluice__OffsetForLeaderEpochResponse: ProtobufCTopicList {
    static func initialize(_ message: UnsafeMutablePointer<Self>) {
        sluice__offset_for_leader_epoch_response__init(message)
    }
}
