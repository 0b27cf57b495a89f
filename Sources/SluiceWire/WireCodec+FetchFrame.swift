import NIOCore

/// A Fetch response framed without copying its batches: the length prefix and every protobuf envelope byte
/// are written into one small buffer, sized up front, and each partition's records go out as their own
/// part — a range of the segment file (`FileRange`, sent with sendfile) or the `ByteBuffer` already in
/// memory. `FetchPartitionResponse.records` is field 6, the last of its message, so writing the small fields
/// first and the records last is protobuf-c's own field order: the bytes are exactly
/// `FrameDecoder.writeFrame(WireCodec.encode(response))` for the same data (a test holds them equal).
extension WireCodec {
    /// The whole frame of a Fetch response (`response.body` is `.fetch`), length prefix included, as parts to
    /// write in order. Cost: one envelope buffer and the parts array per response; no batch byte is touched.
    public static func fetchResponseFrameParts(
        _ response: Response, fetch: FetchResponse, allocator: ByteBufferAllocator
    ) -> [FramePart] {
        let message = ProtobufField.cString(response.errorMessage)
        var fetchSize = 0
        for topic in fetch.topics { fetchSize += ProtobufField.messageSize(topic.protobufSize) }
        let frameSize =
            ProtobufField.int32Size(response.correlationId) + ProtobufField.int32Size(Int32(response.errorCode.rawValue))
            + ProtobufField.lengthDelimitedSize(message.count) + ProtobufField.messageSize(fetchSize)

        var envelope = allocator.buffer(capacity: 64 + 48 * fetch.topics.reduce(1) { $0 + $1.partitions.count })
        envelope.writeInteger(UInt32(frameSize))
        ProtobufField.writeInt32(1, response.correlationId, into: &envelope)
        ProtobufField.writeInt32(2, Int32(response.errorCode.rawValue), into: &envelope)
        ProtobufField.writeString(3, message, into: &envelope)
        ProtobufField.writeLengthPrefix(15, count: fetchSize, into: &envelope)
        // (envelope end, records) after each partition's small fields: the envelope is sliced once it is complete.
        var cuts: [(Int, FramePart)] = []
        for topic in fetch.topics {
            topic.writePrefix(1, size: topic.protobufSize, into: &envelope)
            for partition in topic.partitions {
                ProtobufField.writeLengthPrefix(2, count: partition.protobufSize, into: &envelope)
                ProtobufField.writeInt32(1, partition.partition, into: &envelope)
                ProtobufField.writeInt32(2, Int32(partition.errorCode.rawValue), into: &envelope)
                ProtobufField.writeInt64(3, partition.highWatermark, into: &envelope)
                ProtobufField.writeInt64(4, partition.logStartOffset, into: &envelope)
                ProtobufField.writeInt64(5, partition.logEndOffset, into: &envelope)
                guard let records = recordsPart(partition) else { continue }
                ProtobufField.writeLengthPrefix(6, count: records.byteCount, into: &envelope)
                cuts.append((envelope.writerIndex, records))
            }
        }
        assert(envelope.readableBytes + cuts.reduce(0) { $0 + $1.1.byteCount } == 4 + frameSize, "sized as written")
        var parts: [FramePart] = []
        parts.reserveCapacity(2 * cuts.count + 1)
        var start = envelope.readerIndex
        for (end, records) in cuts {
            parts.append(.bytes(envelope.getSlice(at: start, length: end - start)!))
            parts.append(records)
            start = end
        }
        if envelope.writerIndex > start {
            parts.append(.bytes(envelope.getSlice(at: start, length: envelope.writerIndex - start)!))
        }
        return parts
    }

    /// The records of a partition as a frame part; nil when it has none.
    private static func recordsPart(_ partition: FetchPartitionResponse) -> FramePart? {
        if let range = partition.fileRecords { return .file(range) }
        return partition.records.readableBytes > 0 ? .bytes(partition.records) : nil
    }
}

/// FetchPartitionResponse { int32 partition = 1; ErrorCode error_code = 2; int64 high_watermark = 3;
/// int64 log_start_offset = 4; int64 log_end_offset = 5; bytes records = 6 }, records in memory or in a file.
extension FetchPartitionResponse: ProtoSized {
    var protobufSize: Int {
        ProtobufField.int32Size(partition) + ProtobufField.int32Size(Int32(errorCode.rawValue))
            + ProtobufField.int64Size(highWatermark) + ProtobufField.int64Size(logStartOffset)
            + ProtobufField.int64Size(logEndOffset) + ProtobufField.lengthDelimitedSize(recordsByteCount)
    }
}
