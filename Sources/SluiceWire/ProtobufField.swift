import NIOCore

/// protobuf-c's canonical proto3 encoding of single fields, for frames written by hand (sizes first, then
/// bytes): zero scalars and empty strings/bytes omitted, negative int32/enum values sign-extended to 10-byte
/// varints, embedded messages always present. Field numbers here are below 16 (one-byte tags).
enum ProtobufField {
    /// An int32 or enum field: omitted at 0.
    static func int32Size(_ value: Int32) -> Int {
        value == 0 ? 0 : 1 + Varint.size(UInt64(bitPattern: Int64(value)))
    }

    /// An int64 field: omitted at 0.
    static func int64Size(_ value: Int64) -> Int {
        value == 0 ? 0 : 1 + Varint.size(UInt64(bitPattern: value))
    }

    /// A string or bytes field of `count` bytes: omitted when empty.
    static func lengthDelimitedSize(_ count: Int) -> Int {
        count == 0 ? 0 : 1 + Varint.size(UInt64(count)) + count
    }

    /// An embedded message of `size` bytes: always written.
    static func messageSize(_ size: Int) -> Int {
        1 + Varint.size(UInt64(size)) + size
    }

    static func writeInt32(_ field: UInt8, _ value: Int32, into buffer: inout ByteBuffer) {
        writeInt64(field, Int64(value), into: &buffer)
    }

    static func writeInt64(_ field: UInt8, _ value: Int64, into buffer: inout ByteBuffer) {
        guard value != 0 else { return }
        buffer.writeInteger(field << 3)
        Varint.write(UInt64(bitPattern: value), to: &buffer)
    }

    /// The tag and length of a length-delimited field; the caller writes the `count` bytes.
    static func writeLengthPrefix(_ field: UInt8, count: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(field << 3 | 2)
        Varint.write(UInt64(count), to: &buffer)
    }

    /// A string field as protobuf-c sends a C string (cut at the first NUL); omitted when empty.
    static func writeString(_ field: UInt8, _ bytes: Substring.UTF8View, into buffer: inout ByteBuffer) {
        guard !bytes.isEmpty else { return }
        writeLengthPrefix(field, count: bytes.count, into: &buffer)
        buffer.writeBytes(bytes)
    }

    /// A string's bytes as protobuf-c sends a C string: up to the first NUL.
    static func cString(_ text: String) -> Substring.UTF8View {
        let utf8 = Substring(text).utf8
        return utf8[..<(utf8.firstIndex(of: 0) ?? utf8.endIndex)]
    }
}

// MARK: topics

/// A message a hand-written frame writes: `protobufSize` is the bytes of its fields, without its own tag and
/// length (what `ProtobufField.messageSize` wraps).
protocol ProtoSized {
    var protobufSize: Int { get }
}

extension WireTopic where Partition: ProtoSized {
    /// `{ string name = 1; repeated Partition partitions = 2 }`: the name and each partition's embedded message.
    var protobufSize: Int {
        var size = ProtobufField.lengthDelimitedSize(ProtobufField.cString(name).count)
        for partition in partitions { size += ProtobufField.messageSize(partition.protobufSize) }
        return size
    }

    /// The topic's tag and length (`size`, its `protobufSize`) and its name; the caller writes its partitions,
    /// each under field 2.
    func writePrefix(_ field: UInt8, size: Int, into buffer: inout ByteBuffer) {
        ProtobufField.writeLengthPrefix(field, count: size, into: &buffer)
        ProtobufField.writeString(1, ProtobufField.cString(name), into: &buffer)
    }
}
