import NIOCore

/// A Fetch response read straight off its frame, without protobuf-c: each partition's batches become a slice
/// of the frame's own buffer, where protobuf-c would copy them into its message and `decodeResponse` once
/// more into a `ByteBuffer` (two copies and two fresh allocations of every fetched byte, on the consumer).
///
/// As with `decodeProduceFastPath`, only the canonical encoding is taken — `ResponseFrame` fields 1, 2, 3 and
/// 15, the fetch messages with their known fields, scalars at most once, strings valid UTF-8 without NUL;
/// anything else returns nil and `decodeResponse` uses protobuf-c, which words the error. So this path
/// changes speed, never what is accepted or what it decodes to.
extension WireCodec {
    /// The Fetch response in `body`, its batches sliced from `body`; nil when `body` is not a canonical
    /// Fetch response frame.
    public static func decodeFetchResponseFastPath(_ body: ByteBuffer) -> Response? {
        body.withUnsafeReadableBytes { bytes -> Response? in
            var reader = ProtoReader(bytes: bytes)
            return reader.fetchResponseFrame(slicing: body)
        }
    }
}

extension ProtoReader {
    /// ResponseFrame { int32 correlation_id = 1; ErrorCode error_code = 2; string error_message = 3;
    /// FetchResponse fetch = 15 }.
    fileprivate mutating func fetchResponseFrame(slicing body: ByteBuffer) -> Response? {
        var correlationId: Int32?
        var errorCode: Int32?
        var errorMessage: String?
        var fetch: FetchResponse?
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 0):
                guard correlationId == nil, let value = int32() else { return nil }
                correlationId = value
            case (2, 0):
                guard errorCode == nil, let value = int32() else { return nil }
                errorCode = value
            case (3, 2):
                guard errorMessage == nil, let value = string() else { return nil }
                errorMessage = value
            case (15, 2):
                guard fetch == nil, let value = nested({ $0.fetchResponse(slicing: body) }) else { return nil }
                fetch = value
            default:
                return nil
            }
        }
        guard let fetch else { return nil }
        return Response(
            correlationId: correlationId ?? 0, errorCode: ErrorCode(wire: errorCode ?? 0),
            errorMessage: errorMessage ?? "", body: .fetch(fetch))
    }

    /// FetchResponse { repeated FetchTopicResponse topics = 1 }.
    private mutating func fetchResponse(slicing body: ByteBuffer) -> FetchResponse? {
        var topics: [FetchTopicResponse] = []
        while position < end {
            guard let (field, wireType) = tag(), field == 1, wireType == 2,
                let topic = nested({ $0.fetchTopic(slicing: body) })
            else { return nil }
            topics.append(topic)
        }
        return FetchResponse(topics: topics)
    }

    /// FetchTopicResponse { string name = 1; repeated FetchPartitionResponse partitions = 2 }.
    private mutating func fetchTopic(slicing body: ByteBuffer) -> FetchTopicResponse? {
        var name: String?
        var partitions: [FetchPartitionResponse] = []
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 2):
                guard name == nil, let value = string() else { return nil }
                name = value
            case (2, 2):
                guard let partition = nested({ $0.fetchPartition(slicing: body) }) else { return nil }
                partitions.append(partition)
            default:
                return nil
            }
        }
        return FetchTopicResponse(name: name ?? "", partitions: partitions)
    }

    /// FetchPartitionResponse { int32 partition = 1; ErrorCode error_code = 2; int64 high_watermark = 3;
    /// int64 log_start_offset = 4; int64 log_end_offset = 5; bytes records = 6 }: `records` sliced from `body`.
    private mutating func fetchPartition(slicing body: ByteBuffer) -> FetchPartitionResponse? {
        var partition: UInt64?
        var errorCode: UInt64?
        var highWatermark: UInt64?
        var logStartOffset: UInt64?
        var logEndOffset: UInt64?
        var records: ByteBuffer?
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 0):
                guard partition == nil, let value = varint() else { return nil }
                partition = value
            case (2, 0):
                guard errorCode == nil, let value = varint() else { return nil }
                errorCode = value
            case (3, 0):
                guard highWatermark == nil, let value = varint() else { return nil }
                highWatermark = value
            case (4, 0):
                guard logStartOffset == nil, let value = varint() else { return nil }
                logStartOffset = value
            case (5, 0):
                guard logEndOffset == nil, let value = varint() else { return nil }
                logEndOffset = value
            case (6, 2):
                guard records == nil, let length = lengthPrefix(),
                    let slice = body.getSlice(at: body.readerIndex + position, length: length)
                else { return nil }
                records = slice
                position += length
            default:
                return nil
            }
        }
        let number = Int32(truncatingIfNeeded: partition ?? 0)
        let code = ErrorCode(wire: Int32(truncatingIfNeeded: errorCode ?? 0))
        let highWatermarkValue = Int64(bitPattern: highWatermark ?? 0)
        let logStartValue = Int64(bitPattern: logStartOffset ?? 0)
        let logEndValue = Int64(bitPattern: logEndOffset ?? 0)
        return FetchPartitionResponse(
            partition: number, errorCode: code, highWatermark: highWatermarkValue, logStartOffset: logStartValue,
            logEndOffset: logEndValue, records: records ?? ByteBuffer())
    }
}
