import NIOCore

/// A Produce request read straight off its frame, without protobuf-c: each partition's record batches
/// become a slice of the frame's own buffer (no allocation, no copy of the batch bytes), where protobuf-c
/// would copy them into its message and `decodeRequest` once more into a `ByteBuffer`.
///
/// Only the canonical encoding this project's clients (and any proto3 encoder) write is taken: the
/// `RequestFrame` fields 1, 2 and 14 each at most once, `ProduceRequest`/`ProduceTopicData`/
/// `ProducePartitionData` with their known fields, scalars at most once, strings valid UTF-8 without NUL
/// (`ProtoReader` reads the wire; the topic level is `ProtoReader.topic`, shared with the Fetch fast path).
/// Anything else — another API, an unknown or repeated scalar field, a wrong wire type, a truncated varint
/// or length, a malformed string — returns nil, and the caller decodes the frame with protobuf-c, which
/// accepts every valid encoding and words the error for a malformed one. So this path changes speed, never
/// what is accepted or refused.
extension WireCodec {
    /// The Produce request in `body`, its batches sliced from `body`; nil when `body` is not a canonical
    /// Produce frame (decode it with `decodeRequest`).
    public static func decodeProduceFastPath(_ body: ByteBuffer) -> Request? {
        body.withUnsafeReadableBytes { bytes -> Request? in
            var reader = ProtoReader(bytes: bytes)
            return reader.requestFrame(slicing: body)
        }
    }
}

extension ProtoReader {
    /// RequestFrame { int32 correlation_id = 1; string client_id = 2; ProduceRequest produce = 14 }.
    fileprivate mutating func requestFrame(slicing body: ByteBuffer) -> Request? {
        var correlationId: Int32?
        var clientId: String?
        var produce: ProduceRequest?
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 0):
                guard int32(once: &correlationId) else { return nil }
            case (2, 2):
                guard string(once: &clientId) else { return nil }
            case (14, 2):
                guard produce == nil, let request = nested({ $0.produceRequest(slicing: body) }) else { return nil }
                produce = request
            default:
                return nil
            }
        }
        guard let produce else { return nil }
        return Request(correlationId: correlationId ?? 0, clientId: clientId ?? "", body: .produce(produce))
    }

    /// ProduceRequest { int32 acks = 1; int32 timeout_ms = 2; repeated ProduceTopicData topics = 3 }.
    private mutating func produceRequest(slicing body: ByteBuffer) -> ProduceRequest? {
        var acks: Int32?
        var timeoutMs: Int32?
        var topics: [ProduceTopicData] = []
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 0):
                guard int32(once: &acks) else { return nil }
            case (2, 0):
                guard int32(once: &timeoutMs) else { return nil }
            case (3, 2):
                guard let topic: ProduceTopicData = nested({ $0.topic(slicing: body) }) else { return nil }
                topics.append(topic)
            default:
                return nil
            }
        }
        // Out of Int16's range: protobuf-c's path refuses it with the field named.
        guard let acks16 = Int16(exactly: acks ?? 0) else { return nil }
        return ProduceRequest(acks: acks16, timeoutMs: timeoutMs ?? 0, topics: topics)
    }
}

/// ProducePartitionData { int32 partition = 1; bytes records = 2 }: `records` sliced from `body`.
extension ProducePartitionData: ProtoReadable {
    static func read(from reader: inout ProtoReader, slicing body: ByteBuffer) -> Self? {
        var partition: Int32?
        var records: ByteBuffer?
        while reader.position < reader.end {
            guard let (field, wireType) = reader.tag() else { return nil }
            switch (field, wireType) {
            case (1, 0): guard reader.int32(once: &partition) else { return nil }
            case (2, 2): guard reader.bytes(slicing: body, once: &records) else { return nil }
            default: return nil
            }
        }
        return Self(partition: partition ?? 0, records: records ?? ByteBuffer())
    }
}
