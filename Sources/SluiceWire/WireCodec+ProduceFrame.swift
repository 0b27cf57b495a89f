import NIOCore

/// A Produce request framed without copying its batches: the length prefix and protobuf envelope are
/// written into small buffers, and each partition's record batches go out as their own `ByteBuffer`, so a
/// channel writes the frame with one `writev` and the batch bytes are never copied behind the envelope.
///
/// The bytes are exactly `FrameDecoder.writeFrame(WireCodec.encode(request))` — protobuf-c's canonical
/// encoding: fields in number order, zero and empty scalars omitted, negative int32 as 10-byte varints,
/// strings cut at a NUL as protobuf-c cuts C strings. A test holds the two to byte equality.
extension WireCodec {
    /// The frame of `request` (a Produce) as buffers to write in order: envelope pieces and, between them,
    /// the batches themselves (shared, not copied).
    public static func produceFrameParts(
        correlationId: Int32, clientId: String, produce: ProduceRequest, allocator: ByteBufferAllocator
    ) -> [ByteBuffer] {
        let clientIdBytes = ProtobufField.cString(clientId)
        var produceSize = ProtobufField.int32Size(Int32(produce.acks)) + ProtobufField.int32Size(produce.timeoutMs)
        var topicSizes: [Int] = []
        topicSizes.reserveCapacity(produce.topics.count)
        for topic in produce.topics {
            let topicSize = topic.protobufSize
            topicSizes.append(topicSize)
            produceSize += ProtobufField.messageSize(topicSize)
        }
        let frameSize =
            ProtobufField.int32Size(correlationId) + ProtobufField.lengthDelimitedSize(clientIdBytes.count)
            + ProtobufField.messageSize(produceSize)

        var parts: [ByteBuffer] = []
        var piece = allocator.buffer(capacity: 64)
        piece.writeInteger(UInt32(frameSize))
        ProtobufField.writeInt32(1, correlationId, into: &piece)
        ProtobufField.writeString(2, clientIdBytes, into: &piece)
        ProtobufField.writeLengthPrefix(14, count: produceSize, into: &piece)
        ProtobufField.writeInt32(1, Int32(produce.acks), into: &piece)
        ProtobufField.writeInt32(2, produce.timeoutMs, into: &piece)
        for (topic, topicSize) in zip(produce.topics, topicSizes) {
            topic.writePrefix(3, size: topicSize, into: &piece)
            for partition in topic.partitions {
                ProtobufField.writeLengthPrefix(2, count: partition.protobufSize, into: &piece)
                ProtobufField.writeInt32(1, partition.partition, into: &piece)
                guard partition.records.readableBytes > 0 else { continue }
                ProtobufField.writeLengthPrefix(2, count: partition.records.readableBytes, into: &piece)
                parts.append(piece)
                parts.append(partition.records)
                piece = allocator.buffer(capacity: 64)
            }
        }
        if piece.readableBytes > 0 { parts.append(piece) }
        return parts
    }
}

/// ProducePartitionData { int32 partition = 1; bytes records = 2 }.
extension ProducePartitionData: ProtoSized {
    var protobufSize: Int {
        ProtobufField.int32Size(partition) + ProtobufField.lengthDelimitedSize(records.readableBytes)
    }
}
