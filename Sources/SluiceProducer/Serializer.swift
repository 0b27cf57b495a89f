import NIOCore

/// Turns a key or value into bytes (Kafka's `Serializer`), lending them to `body` instead of returning an
/// array, so a serializer over bytes the caller already holds allocates nothing per record.
public protocol Serializer<Input>: Sendable {
    associatedtype Input: Sendable
    /// Calls `body` with the serialized bytes of `value`; they are valid only during the call.
    func withSerialized<Result>(
        _ value: Input, topic: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result
}

/// `[UInt8]` as is.
public struct BytesSerializer: Serializer {
    public init() {}
    public func withSerialized<Result>(
        _ value: [UInt8], topic: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try value.withUnsafeBytes(body)
    }
}

/// A `String` as its UTF-8 bytes (Kafka's `StringSerializer`).
public struct StringSerializer: Serializer {
    public init() {}
    public func withSerialized<Result>(
        _ value: String, topic: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        var value = value
        return try value.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}

/// A `ByteBuffer`'s readable bytes as is.
public struct ByteBufferSerializer: Serializer {
    public init() {}
    public func withSerialized<Result>(
        _ value: ByteBuffer, topic: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try value.withUnsafeReadableBytes(body)
    }
}
