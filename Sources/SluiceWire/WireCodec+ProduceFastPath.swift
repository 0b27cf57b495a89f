import NIOCore

/// A Produce request read straight off its frame, without protobuf-c: each partition's record batches
/// become a slice of the frame's own buffer (no allocation, no copy of the batch bytes), where protobuf-c
/// would copy them into its message and `decodeRequest` once more into a `ByteBuffer`.
///
/// Only the canonical encoding this project's clients (and any proto3 encoder) write is taken: the
/// `RequestFrame` fields 1, 2 and 14 each at most once, `ProduceRequest`/`ProduceTopicData`/
/// `ProducePartitionData` with their known fields, scalars at most once, strings valid UTF-8 without NUL.
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

/// A forward-only protobuf reader over one frame body; every method returns nil on anything it does not
/// take (see `decodeProduceFastPath`). Also read by `decodeFetchResponseFastPath`.
struct ProtoReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    var end: Int

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.end = bytes.count
    }

    /// RequestFrame { int32 correlation_id = 1; string client_id = 2; ProduceRequest produce = 14 }.
    mutating func requestFrame(slicing body: ByteBuffer) -> Request? {
        var correlationId: Int32?
        var clientId: String?
        var produce: ProduceRequest?
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 0):
                guard correlationId == nil, let value = int32() else { return nil }
                correlationId = value
            case (2, 2):
                guard clientId == nil, let value = string() else { return nil }
                clientId = value
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
                guard acks == nil, let value = int32() else { return nil }
                acks = value
            case (2, 0):
                guard timeoutMs == nil, let value = int32() else { return nil }
                timeoutMs = value
            case (3, 2):
                guard let topic = nested({ $0.topicData(slicing: body) }) else { return nil }
                topics.append(topic)
            default:
                return nil
            }
        }
        // Out of Int16's range: protobuf-c's path refuses it with the field named.
        guard let acks16 = Int16(exactly: acks ?? 0) else { return nil }
        return ProduceRequest(acks: acks16, timeoutMs: timeoutMs ?? 0, topics: topics)
    }

    /// ProduceTopicData { string name = 1; repeated ProducePartitionData partitions = 2 }.
    private mutating func topicData(slicing body: ByteBuffer) -> ProduceTopicData? {
        var name: String?
        var partitions: [ProducePartitionData] = []
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 2):
                guard name == nil, let value = string() else { return nil }
                name = value
            case (2, 2):
                guard let partition = nested({ $0.partitionData(slicing: body) }) else { return nil }
                partitions.append(partition)
            default:
                return nil
            }
        }
        return ProduceTopicData(name: name ?? "", partitions: partitions)
    }

    /// ProducePartitionData { int32 partition = 1; bytes records = 2 }: `records` sliced from `body`.
    private mutating func partitionData(slicing body: ByteBuffer) -> ProducePartitionData? {
        var partition: Int32?
        var records: ByteBuffer?
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 0):
                guard partition == nil, let value = int32() else { return nil }
                partition = value
            case (2, 2):
                guard records == nil, let length = lengthPrefix(),
                    let slice = body.getSlice(at: body.readerIndex + position, length: length)
                else { return nil }
                records = slice
                position += length
            default:
                return nil
            }
        }
        return ProducePartitionData(partition: partition ?? 0, records: records ?? ByteBuffer())
    }

    // MARK: wire primitives

    /// An embedded message: `parse` reads it up to its length prefix's end, and must consume all of it.
    mutating func nested<Message>(_ parse: (inout ProtoReader) -> Message?) -> Message? {
        guard let length = lengthPrefix() else { return nil }
        let outerEnd = end
        end = position + length
        defer { end = outerEnd }
        guard let message = parse(&self), position == end else { return nil }
        return message
    }

    /// A field's number and wire type.
    mutating func tag() -> (field: UInt64, wireType: UInt64)? {
        guard let key = varint(), key >> 3 > 0 else { return nil }
        return (key >> 3, key & 7)
    }

    /// An int32 field: proto3 writes negative values sign-extended to 10 bytes; the low 32 bits are the value.
    mutating func int32() -> Int32? {
        varint().map { Int32(truncatingIfNeeded: $0) }
    }

    /// A length prefix that fits what is left of the current message.
    mutating func lengthPrefix() -> Int? {
        guard let length = varint(), length <= UInt64(end - position) else { return nil }
        return Int(length)
    }

    /// A string field: UTF-8 without NUL (protobuf-c would cut at a NUL; leave that to it).
    mutating func string() -> String? {
        guard let length = lengthPrefix() else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
        position += length
        guard !slice.contains(0) else { return nil }
        return String(validating: slice, as: UTF8.self)
    }

    /// An unsigned LEB128 varint of at most 10 bytes within the current message.
    mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 70 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
