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
        let clientIdBytes = cString(clientId)
        var produceSize = 0
        produceSize += int32FieldSize(Int32(produce.acks)) + int32FieldSize(produce.timeoutMs)
        var topicSizes: [Int] = []
        topicSizes.reserveCapacity(produce.topics.count)
        for topic in produce.topics {
            var topicSize = bytesFieldSize(cString(topic.name).count)
            for partition in topic.partitions {
                topicSize += embeddedFieldSize(partitionSize(partition))
            }
            topicSizes.append(topicSize)
            produceSize += embeddedFieldSize(topicSize)
        }
        let frameSize =
            int32FieldSize(correlationId) + bytesFieldSize(clientIdBytes.count) + embeddedFieldSize(produceSize)

        var parts: [ByteBuffer] = []
        var piece = allocator.buffer(capacity: 64)
        piece.writeInteger(UInt32(frameSize))
        writeInt32Field(1, correlationId, into: &piece)
        writeBytesField(2, clientIdBytes, into: &piece)
        writeTag(14, wireType: 2, into: &piece)
        writeVarint(UInt64(produceSize), into: &piece)
        writeInt32Field(1, Int32(produce.acks), into: &piece)
        writeInt32Field(2, produce.timeoutMs, into: &piece)
        for (topic, topicSize) in zip(produce.topics, topicSizes) {
            writeTag(3, wireType: 2, into: &piece)
            writeVarint(UInt64(topicSize), into: &piece)
            writeBytesField(1, cString(topic.name), into: &piece)
            for partition in topic.partitions {
                writeTag(2, wireType: 2, into: &piece)
                writeVarint(UInt64(partitionSize(partition)), into: &piece)
                writeInt32Field(1, partition.partition, into: &piece)
                guard partition.records.readableBytes > 0 else { continue }
                writeTag(2, wireType: 2, into: &piece)
                writeVarint(UInt64(partition.records.readableBytes), into: &piece)
                parts.append(piece)
                parts.append(partition.records)
                piece = allocator.buffer(capacity: 64)
            }
        }
        if piece.readableBytes > 0 { parts.append(piece) }
        return parts
    }

    /// A string's bytes as protobuf-c sends a C string: up to the first NUL.
    private static func cString(_ text: String) -> Substring.UTF8View {
        let utf8 = Substring(text).utf8
        return utf8[..<(utf8.firstIndex(of: 0) ?? utf8.endIndex)]
    }

    private static func partitionSize(_ partition: ProducePartitionData) -> Int {
        int32FieldSize(partition.partition) + bytesFieldSize(partition.records.readableBytes)
    }

    /// An int32 field (one-byte tag): omitted at 0; negative values are sign-extended to 10 bytes.
    private static func int32FieldSize(_ value: Int32) -> Int {
        value == 0 ? 0 : 1 + Varint.size(UInt64(bitPattern: Int64(value)))
    }

    /// A length-delimited field of `count` bytes (one-byte tag): omitted when empty.
    private static func bytesFieldSize(_ count: Int) -> Int {
        count == 0 ? 0 : 1 + Varint.size(UInt64(count)) + count
    }

    /// An embedded message of `size` bytes (one-byte tag): always present, even empty.
    private static func embeddedFieldSize(_ size: Int) -> Int {
        1 + Varint.size(UInt64(size)) + size
    }

    private static func writeTag(_ field: UInt64, wireType: UInt64, into buffer: inout ByteBuffer) {
        writeVarint(field << 3 | wireType, into: &buffer)
    }

    private static func writeInt32Field(_ field: UInt64, _ value: Int32, into buffer: inout ByteBuffer) {
        guard value != 0 else { return }
        writeTag(field, wireType: 0, into: &buffer)
        writeVarint(UInt64(bitPattern: Int64(value)), into: &buffer)
    }

    private static func writeBytesField(_ field: UInt64, _ bytes: Substring.UTF8View, into buffer: inout ByteBuffer) {
        guard !bytes.isEmpty else { return }
        writeTag(field, wireType: 2, into: &buffer)
        writeVarint(UInt64(bytes.count), into: &buffer)
        buffer.writeBytes(bytes)
    }

    private static func writeVarint(_ value: UInt64, into buffer: inout ByteBuffer) {
        var rest = value
        while rest >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        buffer.writeInteger(UInt8(rest))
    }
}
