import CSluiceProto

// Produce and InitProducerId through protobuf-c, each model ⇄ its message (`WireMessage`, topics through
// `WireTopic`). A client frames its Produce requests by hand (`produceFrameParts`) and a broker reads canonical
// ones by hand (`decodeProduceFastPath`); this path encodes responses and decodes every other Produce frame.

// MARK: Produce request

/// Batches are referenced in place on encode (`records` points into the partition's ByteBuffer) and copied
/// once into a ByteBuffer of their own on decode.
extension ProducePartitionData: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ProducePartitionData>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.records = arena.binaryData(records)
    }

    init(unpacked message: Sluice__ProducePartitionData) {
        self.init(partition: message.partition, records: WireCodec.buffer(message.records))
    }
}

extension ProduceTopicData: WireTopic { typealias ProtobufC = Sluice__ProduceTopicData }

extension ProduceRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ProduceRequest>, arena: WireArena) {
        message.pointee.acks = Int32(acks)
        message.pointee.timeout_ms = timeoutMs
        (message.pointee.n_topics, message.pointee.topics) = arena.messages(topics)
    }

    init(unpacked message: Sluice__ProduceRequest) throws(DecodeError) {
        let acks = try WireCodec.int16(message.acks, field: "ProduceRequest.acks")
        self.init(
            acks: acks, timeoutMs: message.timeout_ms,
            topics: try WireCodec.messages(count: message.n_topics, message.topics))
    }
}

// MARK: Produce response

extension ProducePartitionResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__ProducePartitionResponse>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.error_message = arena.cString(errorMessage)
        message.pointee.base_offset = baseOffset
        message.pointee.log_append_time_ms = logAppendTimeMs
        message.pointee.log_start_offset = logStartOffset
    }

    init(unpacked message: Sluice__ProducePartitionResponse) throws(DecodeError) {
        self.init(
            partition: message.partition, errorCode: WireCodec.errorCode(message.error_code),
            errorMessage: try WireCodec.string(message.error_message, field: "ProducePartitionResponse.error_message"),
            baseOffset: message.base_offset, logAppendTimeMs: message.log_append_time_ms,
            logStartOffset: message.log_start_offset)
    }
}

extension ProduceTopicResponse: WireTopic { typealias ProtobufC = Sluice__ProduceTopicResponse }

// MARK: InitProducerId

extension InitProducerIdRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__InitProducerIdRequest>, arena: WireArena) {
        message.pointee.transaction_timeout_ms = transactionTimeoutMs
    }

    init(unpacked message: Sluice__InitProducerIdRequest) {
        self.init(transactionTimeoutMs: message.transaction_timeout_ms)
    }
}

extension InitProducerIdResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__InitProducerIdResponse>, arena: WireArena) {
        message.pointee.error_code = WireCodec.wireErrorCode(errorCode)
        message.pointee.producer_id = producerId
        message.pointee.producer_epoch = Int32(producerEpoch)
    }

    init(unpacked message: Sluice__InitProducerIdResponse) throws(DecodeError) {
        self.init(
            errorCode: WireCodec.errorCode(message.error_code), producerId: message.producer_id,
            producerEpoch: try WireCodec.int16(message.producer_epoch, field: "InitProducerIdResponse.producer_epoch"))
    }
}
