import CProtobufC
import CSluiceProto

// The topic → partition nesting every per-partition API shares (Produce, Fetch, ListOffsets,
// OffsetForLeaderEpoch, and the replication APIs to come): `repeated XTopic topics`, each
// `{ string name = 1; repeated XPartition partitions = 2 }`. It is written once here; an API adds only its
// partition's fields (a `WireMessage`) and short conformances for its topic and, when a request or response
// holds nothing else, for that message:
//
//     extension FooPartition: WireMessage { func fill(…) { … }; init(unpacked:) { … } }   // WireCodec+Area.swift
//     extension FooTopic: WireTopic { typealias ProtobufC = Sluice__FooTopic }
//     extension Sluice__FooTopic: ProtobufCTopic { … sluice__foo_topic__init … }       // ProtobufCStruct.swift
//     extension Sluice__FooResponse: ProtobufCTopicList { … }   // a body of topics only: arena/WireCodec.topicList
//
// The hand-written Produce and Fetch frames write and read the same shape through `WireTopic` too
// (`WireTopic.protobufSize` and `writePrefix` in ProtobufField.swift, `ProtoReader.topic`).

/// A protobuf-c topic message: `char *name; size_t n_partitions; XPartition **partitions`.
protocol ProtobufCTopic: ProtobufCStruct {
    associatedtype Partition: ProtobufCStruct
    /// protobuf-c's header; its descriptor names the message in errors.
    var base: ProtobufCMessage { get }
    var name: UnsafeMutablePointer<CChar>! { get set }
    var n_partitions: Int { get set }
    var partitions: UnsafeMutablePointer<UnsafeMutablePointer<Partition>?>! { get set }
}

/// A protobuf-c message that holds only its topics: `size_t n_topics; XTopic **topics`.
protocol ProtobufCTopicList: ProtobufCStruct {
    associatedtype Topic: ProtobufCStruct
    var n_topics: Int { get set }
    var topics: UnsafeMutablePointer<UnsafeMutablePointer<Topic>?>! { get set }
}

/// A topic and its partitions, as a per-partition API nests them (`FetchTopic`, `ProduceTopicResponse`, …).
protocol WireTopic: WireMessage where ProtobufC: ProtobufCTopic, ProtobufC.Partition == Partition.ProtobufC {
    associatedtype Partition: WireMessage
    var name: String { get }
    var partitions: [Partition] { get }
    init(name: String, partitions: [Partition])
}

extension WireTopic {
    func fill(_ message: UnsafeMutablePointer<ProtobufC>, arena: WireArena) {
        message.pointee.name = arena.cString(name)
        (message.pointee.n_partitions, message.pointee.partitions) = arena.messages(partitions)
    }

    init(unpacked message: ProtobufC) throws(DecodeError) {
        let descriptor = message.base.descriptor
        let name = try WireCodec.string(
            message.name, field: "\(descriptor.map { String(cString: $0.pointee.short_name) } ?? "topic").name")
        self.init(name: name, partitions: try WireCodec.messages(count: message.n_partitions, message.partitions))
    }
}

// MARK: bodies that are only their topics

extension WireArena {
    /// A C message holding only `topics` (`ListOffsetsRequest`, `FetchResponse`, `CreateTopicsResponse`, …);
    /// its type is the one of the field it is stored in.
    func topicList<Message: ProtobufCTopicList, Topic: WireMessage>(
        _ topics: [Topic]
    ) -> UnsafeMutablePointer<Message> where Message.Topic == Topic.ProtobufC {
        let message: UnsafeMutablePointer<Message> = self.message(Message.initializer)
        (message.pointee.n_topics, message.pointee.topics) = messages(topics)
        return message
    }
}

extension WireCodec {
    /// The topics of a set oneof case whose message holds only its topics.
    static func topicList<Message: ProtobufCTopicList, Topic: WireMessage>(
        _ pointer: UnsafeMutablePointer<Message>?
    ) throws(DecodeError) -> [Topic] where Message.Topic == Topic.ProtobufC {
        let message = try required(pointer)
        return try messages(count: message.n_topics, message.topics)
    }
}
