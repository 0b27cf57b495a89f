import CProtobufC
import CSluiceProto

// The protobuf-c structs Sluice's models travel as (`WireMessage.ProtobufC`), each with its generated
// `sluice__xxx__init`; topics and bodies that are only their topics also take the nesting protocols of
// WireTopic.swift. One table, by API area: a new message adds its conformance here and its model's in the
// WireCodec+Area.swift of its area.

/// A protobuf-c message struct as protoc-c generates it (`Sluice__FetchTopic`): made ready by its generated
/// `sluice__xxx__init`, which sets the descriptor and every default.
protocol ProtobufCStruct {
    /// The generated `sluice__xxx__init`: sets a message to its defaults (protobuf-c's `*__INIT`); the memory
    /// may be uninitialised.
    static var initializer: ProtobufCInitializer<Self> { get }
}

/// A generated `sluice__xxx__init`, as Swift imports it.
typealias ProtobufCInitializer<Struct> = (UnsafeMutablePointer<Struct>?) -> Void

// MARK: Metadata and topic administration

extension Sluice__MetadataRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__metadata_request__init }
}

extension Sluice__MetadataResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__metadata_response__init }
}

extension Sluice__BrokerInfo: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__broker_info__init }
}

extension Sluice__TopicMetadata: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__topic_metadata__init }
}

extension Sluice__PartitionMetadata: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__partition_metadata__init }
}

extension Sluice__CreateTopicsRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__create_topics_request__init }
}

extension Sluice__CreatableTopic: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__creatable_topic__init }
}

extension Sluice__DeleteTopicsRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__delete_topics_request__init }
}

extension Sluice__TopicResult: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__topic_result__init }
}

extension Sluice__CreateTopicsResponse: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__create_topics_response__init }
}

extension Sluice__DeleteTopicsResponse: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__delete_topics_response__init }
}

extension Sluice__DescribeClusterResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__describe_cluster_response__init }
}

extension Sluice__DescribeTopicsRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__describe_topics_request__init }
}

extension Sluice__TopicDescription: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__topic_description__init }
}

extension Sluice__PartitionDescription: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__partition_description__init }
}

extension Sluice__DescribeTopicsResponse: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__describe_topics_response__init }
}

// MARK: Produce and InitProducerId

extension Sluice__ProducePartitionData: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__produce_partition_data__init }
}

extension Sluice__ProduceTopicData: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__produce_topic_data__init }
}

extension Sluice__ProduceRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__produce_request__init }
}

extension Sluice__ProducePartitionResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__produce_partition_response__init }
}

extension Sluice__ProduceTopicResponse: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__produce_topic_response__init }
}

extension Sluice__ProduceResponse: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__produce_response__init }
}

extension Sluice__InitProducerIdRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__init_producer_id_request__init }
}

extension Sluice__InitProducerIdResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__init_producer_id_response__init }
}

// MARK: Fetch

extension Sluice__FetchPartition: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__fetch_partition__init }
}

extension Sluice__FetchTopic: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__fetch_topic__init }
}

extension Sluice__FetchRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__fetch_request__init }
}

extension Sluice__FetchPartitionResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__fetch_partition_response__init }
}

extension Sluice__FetchTopicResponse: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__fetch_topic_response__init }
}

extension Sluice__FetchResponse: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__fetch_response__init }
}

// MARK: ListOffsets and OffsetForLeaderEpoch

extension Sluice__ListOffsetsPartition: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__list_offsets_partition__init }
}

extension Sluice__ListOffsetsTopic: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__list_offsets_topic__init }
}

extension Sluice__ListOffsetsRequest: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__list_offsets_request__init }
}

extension Sluice__ListOffsetsPartitionResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__list_offsets_partition_response__init }
}

extension Sluice__ListOffsetsTopicResponse: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__list_offsets_topic_response__init }
}

extension Sluice__ListOffsetsResponse: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__list_offsets_response__init }
}

extension Sluice__OffsetForLeaderEpochPartition: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__offset_for_leader_epoch_partition__init }
}

extension Sluice__OffsetForLeaderEpochTopic: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__offset_for_leader_epoch_topic__init }
}

extension Sluice__OffsetForLeaderEpochRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__offset_for_leader_epoch_request__init }
}

extension Sluice__OffsetForLeaderEpochPartitionResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__offset_for_leader_epoch_partition_response__init }
}

extension Sluice__OffsetForLeaderEpochTopicResponse: ProtobufCTopic {
    static var initializer: ProtobufCInitializer<Self> { sluice__offset_for_leader_epoch_topic_response__init }
}

extension Sluice__OffsetForLeaderEpochResponse: ProtobufCTopicList {
    static var initializer: ProtobufCInitializer<Self> { sluice__offset_for_leader_epoch_response__init }
}

// MARK: controller requests

extension Sluice__ElectLeadersRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__elect_leaders_request__init }
}

extension Sluice__ElectionResult: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__election_result__init }
}

extension Sluice__ElectLeadersResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__elect_leaders_response__init }
}

extension Sluice__ControlledShutdownRequest: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__controlled_shutdown_request__init }
}

extension Sluice__ControlledShutdownResponse: ProtobufCStruct {
    static var initializer: ProtobufCInitializer<Self> { sluice__controlled_shutdown_response__init }
}
