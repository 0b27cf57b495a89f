import CProtobufC
import CSluiceProto

/// A Swift model (Messages.swift) that travels as one protobuf-c message: the one place that names its fields
/// on the wire, both ways. Nested messages are models of their own, so a model sets and reads only its own
/// fields; repeated nested messages go through `WireArena.messages(_:)` and `WireCodec.messages(count:_:)`, and
/// the topic → partition nesting of the per-partition APIs through `WireTopic` (WireTopic.swift).
///
/// Generic code over these protocols is internal to SluiceWire, so the optimiser specialises it for each model
/// where `WireCodec.encode`/`decode` call it; nothing here is an existential.
protocol WireMessage {
    associatedtype ProtobufC: ProtobufCStruct
    /// Sets the fields of `message` (initialised) from `self`; every pointer stored is owned by `arena`.
    func fill(_ message: UnsafeMutablePointer<ProtobufC>, arena: WireArena)
    /// Copies an unpacked message (freed with its frame by the caller) into a model; strings are checked.
    init(unpacked message: ProtobufC) throws(DecodeError)
}

// MARK: encode

extension WireArena {
    /// A C message holding `value`, allocated, initialised and filled in the arena.
    func message<Model: WireMessage>(_ value: Model) -> UnsafeMutablePointer<Model.ProtobufC> {
        let message: UnsafeMutablePointer<Model.ProtobufC> = self.message(Model.ProtobufC.initializer)
        value.fill(message, arena: self)
        return message
    }

    /// A repeated message field: its count and its array of C messages (nil when empty), together so the two
    /// never disagree: `(message.pointee.n_topics, message.pointee.topics) = arena.messages(topics)`.
    func messages<Model: WireMessage>(
        _ values: [Model]
    ) -> (count: Int, array: UnsafeMutablePointer<UnsafeMutablePointer<Model.ProtobufC>?>?) {
        (values.count, messages(values) { message($0) })
    }
}

// MARK: decode

extension WireCodec {
    /// A decoded repeated message field.
    static func messages<Model: WireMessage>(
        count: Int, _ pointer: UnsafeMutablePointer<UnsafeMutablePointer<Model.ProtobufC>?>?
    ) throws(DecodeError) -> [Model] {
        try messages(count: count, pointer) { (message) throws(DecodeError) in try Model(unpacked: message) }
    }

    /// The model behind a set oneof case (protobuf-c always allocates it; a nil is refused, not trusted).
    static func body<Model: WireMessage>(_ pointer: UnsafeMutablePointer<Model.ProtobufC>?) throws(DecodeError) -> Model
    {
        try Model(unpacked: required(pointer))
    }

    /// The message behind a set oneof case, for a body with no model of its own (DescribeCluster's request).
    static func required<Message>(_ pointer: UnsafeMutablePointer<Message>?) throws(DecodeError) -> Message {
        guard let pointer else { throw fieldError("unknown or missing API") }
        return pointer.pointee
    }
}
