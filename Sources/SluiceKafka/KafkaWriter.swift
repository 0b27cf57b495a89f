import NIOCore
import SluiceWire

/// Writes Kafka's primitive types into a response body.
public struct KafkaWriter {
    public private(set) var buffer: ByteBuffer

    public init(allocator: ByteBufferAllocator = ByteBufferAllocator(), capacity: Int = 256) {
        buffer = allocator.buffer(capacity: capacity)
    }

    public mutating func int8(_ value: Int8) { buffer.writeInteger(value) }
    public mutating func int16(_ value: Int16) { buffer.writeInteger(value) }
    public mutating func int32(_ value: Int32) { buffer.writeInteger(value) }
    public mutating func int64(_ value: Int64) { buffer.writeInteger(value) }
    public mutating func bool(_ value: Bool) { buffer.writeInteger(value ? Int8(1) : 0) }

    /// STRING; `nil` writes NULLABLE_STRING's null (-1).
    public mutating func string(_ value: String?) {
        guard let value else { return int16(-1) }
        int16(Int16(truncatingIfNeeded: value.utf8.count))
        buffer.writeString(value)
    }

    /// COMPACT_(NULLABLE_)STRING.
    public mutating func compactString(_ value: String?) {
        guard let value else { return unsignedVarint(0) }
        unsignedVarint(UInt32(value.utf8.count) + 1)
        buffer.writeString(value)
    }

    /// NULLABLE_BYTES: int32 length (-1 for nil), then the bytes.
    public mutating func nullableBytes(_ value: ByteBuffer?) {
        guard var value else { return int32(-1) }
        int32(Int32(value.readableBytes))
        buffer.writeBuffer(&value)
    }

    /// ARRAY of `elements`, each written by `write`.
    public mutating func array<Element>(_ elements: [Element], _ write: (inout KafkaWriter, Element) -> Void) {
        int32(Int32(elements.count))
        for element in elements { write(&self, element) }
    }

    /// COMPACT_ARRAY of `elements`, each written by `write`.
    public mutating func compactArray<Element>(_ elements: [Element], _ write: (inout KafkaWriter, Element) -> Void) {
        unsignedVarint(UInt32(elements.count) + 1)
        for element in elements { write(&self, element) }
    }

    /// ARRAY of INT32.
    public mutating func int32Array(_ values: [Int32]) {
        array(values) { $0.int32($1) }
    }

    /// An empty TAGGED_FIELDS section.
    public mutating func noTaggedFields() { unsignedVarint(0) }

    /// UNSIGNED_VARINT: protobuf's varint (SluiceWire's `Varint`).
    public mutating func unsignedVarint(_ value: UInt32) {
        Varint.write(UInt64(value), to: &buffer)
    }
}
