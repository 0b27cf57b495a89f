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
                guard int32(once: &correlationId) else { return nil }
            case (2, 0):
                guard int32(once: &errorCode) else { return nil }
            case (3, 2):
                guard string(once: &errorMessage) else { return nil }
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
                let topic: FetchTopicResponse = nested({ $0.topic(slicing: body) })
            else { return nil }
            topics.append(topic)
        }
        return FetchResponse(topics: topics)
    }
}

/// FetchPartitionResponse { int32 partition = 1; ErrorCode error_code = 2; int64 high_watermark = 3;
/// int64 log_start_offset = 4; int64 log_end_offset = 5; bytes records = 6 }: `records` sliced from `body`.
extension FetchPartitionResponse: ProtoReadable {
    static func read(from reader: inout ProtoReader, slicing body: ByteBuffer) -> Self? {
        var partition: Int32?
        var errorCode: Int32?
        var highWatermark: Int64?
        var logStartOffset: Int64?
        var logEndOffset: Int64?
        var records: ByteBuffer?
        while reader.position < reader.end {
            guard let (field, wireType) = reader.tag() else { return nil }
            switch (field, wireType) {
            case (1, 0): guard reader.int32(once: &partition) else { return nil }
            case (2, 0): guard reader.int32(once: &errorCode) else { return nil }
            case (3, 0): guard reader.int64(once: &highWatermark) else { return nil }
            case (4, 0): guard reader.int64(once: &logStartOffset) else { return nil }
            case (5, 0): guard reader.int64(once: &logEndOffset) else { return nil }
            case (6, 2): guard reader.bytes(slicing: body, once: &records) else { return nil }
            default: return nil
            }
        }
        return Self(
            partition: partition ?? 0, errorCode: ErrorCode(wire: errorCode ?? 0), highWatermark: highWatermark ?? 0,
            logStartOffset: logStartOffset ?? 0, logEndOffset: logEndOffset ?? 0, records: records ?? ByteBuffer())
    }
}
