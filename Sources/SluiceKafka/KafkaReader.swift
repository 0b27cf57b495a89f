import NIOCore
import SluiceWire

/// Reads Kafka's primitive types from a request body, bounds-checked: every length is checked against the bytes
/// that remain before anything is allocated, so a malformed or hostile request is an error, never a crash or a
/// large allocation.
public struct KafkaReader: Sendable {
    private var buffer: ByteBuffer

    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// Bytes not read yet.
    public var remaining: Int { buffer.readableBytes }

    public mutating func int8() throws(KafkaProtocolError) -> Int8 { try integer("int8") }
    public mutating func int16() throws(KafkaProtocolError) -> Int16 { try integer("int16") }
    public mutating func int32() throws(KafkaProtocolError) -> Int32 { try integer("int32") }
    public mutating func int64() throws(KafkaProtocolError) -> Int64 { try integer("int64") }

    public mutating func bool() throws(KafkaProtocolError) -> Bool { try int8() != 0 }

    /// STRING (int16 length) or NULLABLE_STRING (length -1 is null).
    public mutating func nullableString() throws(KafkaProtocolError) -> String? {
        let length = Int(try int16())
        if length < 0 { return nil }
        return try utf8(length)
    }

    public mutating func string() throws(KafkaProtocolError) -> String {
        guard let value = try nullableString() else { throw KafkaProtocolError("a null STRING where one is required") }
        return value
    }

    /// COMPACT_(NULLABLE_)STRING: unsigned varint length + 1 (0 is null).
    public mutating func compactNullableString() throws(KafkaProtocolError) -> String? {
        let lengthPlusOne = try unsignedVarint()
        if lengthPlusOne == 0 { return nil }
        return try utf8(Int(lengthPlusOne - 1))
    }

    /// NULLABLE_BYTES (int32 length, -1 is null) as a slice of the request's buffer: no copy.
    public mutating func nullableBytes() throws(KafkaProtocolError) -> ByteBuffer? {
        let length = Int(try int32())
        if length < 0 { return nil }
        guard length <= buffer.readableBytes, let bytes = buffer.readSlice(length: length) else {
            throw KafkaProtocolError("bytes of length \(length) with \(buffer.readableBytes) left")
        }
        return bytes
    }

    /// ARRAY length (int32, -1 is null), checked against the bytes left at `minimumElementBytes` each.
    public mutating func arrayLength(minimumElementBytes: Int = 1) throws(KafkaProtocolError) -> Int? {
        let count = Int(try int32())
        if count < 0 { return nil }
        try checkCount(count, minimumElementBytes: minimumElementBytes)
        return count
    }

    /// COMPACT_ARRAY length (unsigned varint count + 1, 0 is null), checked like ``arrayLength(minimumElementBytes:)``.
    public mutating func compactArrayLength(minimumElementBytes: Int = 1) throws(KafkaProtocolError) -> Int? {
        let countPlusOne = try unsignedVarint()
        if countPlusOne == 0 { return nil }
        let count = Int(countPlusOne - 1)
        try checkCount(count, minimumElementBytes: minimumElementBytes)
        return count
    }

    /// TAGGED_FIELDS: skipped (none is understood yet); each size is bounded by the bytes remaining.
    public mutating func skipTaggedFields() throws(KafkaProtocolError) {
        let count = try unsignedVarint()
        try checkCount(Int(count), minimumElementBytes: 2)
        for _ in 0..<count {
            _ = try unsignedVarint()  // tag
            let size = Int(try unsignedVarint())
            guard size <= buffer.readableBytes else {
                throw KafkaProtocolError("a tagged field of \(size) bytes with \(buffer.readableBytes) left")
            }
            buffer.moveReaderIndex(forwardBy: size)
        }
    }

    /// UNSIGNED_VARINT: protobuf's varint (SluiceWire's `Varint`), at most 5 bytes and a 32-bit value here.
    public mutating func unsignedVarint() throws(KafkaProtocolError) -> UInt32 {
        guard let (value, length) = buffer.withUnsafeReadableBytes({ Varint.read($0, at: 0) }) else {
            throw KafkaProtocolError("a varint cut short or longer than 10 bytes")
        }
        guard length <= 5, value <= UInt64(UInt32.max) else {
            throw KafkaProtocolError("a varint of \(length) bytes, longer than an UNSIGNED_VARINT's 5")
        }
        buffer.moveReaderIndex(forwardBy: length)
        return UInt32(value)
    }

    private mutating func integer<T: FixedWidthInteger>(_ name: String) throws(KafkaProtocolError) -> T {
        guard let value = buffer.readInteger(as: T.self) else {
            throw KafkaProtocolError("an \(name) cut short (\(buffer.readableBytes) bytes left)")
        }
        return value
    }

    private mutating func utf8(_ length: Int) throws(KafkaProtocolError) -> String {
        guard length <= buffer.readableBytes else {
            throw KafkaProtocolError("a string of \(length) bytes with \(buffer.readableBytes) left")
        }
        guard let text = buffer.readString(length: length) else { throw KafkaProtocolError("a string that is not UTF-8") }
        return text
    }

    private func checkCount(_ count: Int, minimumElementBytes: Int) throws(KafkaProtocolError) {
        guard count <= buffer.readableBytes / max(1, minimumElementBytes) else {
            throw KafkaProtocolError("an array of \(count) elements with \(buffer.readableBytes) bytes left")
        }
    }
}

/// A request that does not parse as Kafka's protocol says; the connection is closed (as Kafka does).
public struct KafkaProtocolError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
