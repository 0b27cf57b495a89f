import NIOCore

/// A forward-only protobuf reader over one frame body, for the hand-written fast paths
/// (`decodeProduceFastPath`, `decodeFetchResponseFastPath`): every method returns nil (or false) on anything
/// it does not take — an unknown or repeated scalar field, a wrong wire type, a truncated varint or length,
/// a string with a NUL or not UTF-8 — and the caller leaves the frame to protobuf-c.
///
/// Messages it reads are `ProtoReadable`; the topic → partition nesting of the per-partition APIs is read once,
/// generically, by `topic(slicing:)`. Everything here is internal to SluiceWire and specialised where the fast
/// paths call it: no existential, no closure that outlives its call.
struct ProtoReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    var end: Int

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.end = bytes.count
    }

    // MARK: messages

    /// `{ string name = 1; repeated Partition partitions = 2 }`: the topic of every per-partition API.
    mutating func topic<Topic: WireTopic>(slicing body: ByteBuffer) -> Topic? where Topic.Partition: ProtoReadable {
        var name: String?
        var partitions: [Topic.Partition] = []
        while position < end {
            guard let (field, wireType) = tag() else { return nil }
            switch (field, wireType) {
            case (1, 2):
                guard string(once: &name) else { return nil }
            case (2, 2):
                guard let partition = nested({ Topic.Partition.read(from: &$0, slicing: body) }) else { return nil }
                partitions.append(partition)
            default:
                return nil
            }
        }
        return Topic(name: name ?? "", partitions: partitions)
    }

    /// An embedded message: `parse` reads it up to its length prefix's end, and must consume all of it.
    mutating func nested<Message>(_ parse: (inout ProtoReader) -> Message?) -> Message? {
        guard let length = lengthPrefix() else { return nil }
        let outerEnd = end
        end = position + length
        defer { end = outerEnd }
        guard let message = parse(&self), position == end else { return nil }
        return message
    }

    // MARK: fields seen at most once

    /// An int32 or enum field into `slot`; false when it was already set or does not read.
    mutating func int32(once slot: inout Int32?) -> Bool {
        guard slot == nil, let value = int32() else { return false }
        slot = value
        return true
    }

    /// An int64 field into `slot`; false when it was already set or does not read.
    mutating func int64(once slot: inout Int64?) -> Bool {
        guard slot == nil, let value = varint() else { return false }
        slot = Int64(bitPattern: value)
        return true
    }

    /// A string field into `slot`; false when it was already set or does not read.
    mutating func string(once slot: inout String?) -> Bool {
        guard slot == nil, let value = string() else { return false }
        slot = value
        return true
    }

    /// A `bytes` field into `slot` as a slice of `body` (the buffer `bytes` views: no copy); false when it was
    /// already set or does not fit.
    mutating func bytes(slicing body: ByteBuffer, once slot: inout ByteBuffer?) -> Bool {
        guard slot == nil, let length = lengthPrefix(),
            let slice = body.getSlice(at: body.readerIndex + position, length: length)
        else { return false }
        slot = slice
        position += length
        return true
    }

    // MARK: wire primitives

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

/// A message the fast paths read by hand, its `bytes` fields sliced from the frame's buffer.
protocol ProtoReadable {
    /// Reads the message's fields up to `reader.end`; nil on anything the fast path does not take.
    ///
    /// A static function, not an initializer: an initializer takes `body` owned, which costs a retain and a
    /// release of the frame's storage per partition (measured with callgrind); a function borrows it.
    static func read(from reader: inout ProtoReader, slicing body: ByteBuffer) -> Self?
}
