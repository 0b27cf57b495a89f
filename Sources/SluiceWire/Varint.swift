import NIOCore

/// Unsigned LEB128 varints (protobuf's encoding), used for the length before each record in a batch.
public enum Varint {
    /// Bytes needed to encode `value`.
    @inlinable
    public static func size(_ value: UInt64) -> Int {
        var value = value
        var count = 1
        while value >= 0x80 {
            value >>= 7
            count += 1
        }
        return count
    }

    /// Appends `value` to `buffer`.
    @inlinable
    public static func write(_ value: UInt64, to buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }

    /// Reads a varint at `position` in `bytes`; returns the value and the bytes it used, or nil when
    /// the bytes end first or the varint is longer than 10 bytes.
    @inlinable
    public static func read(_ bytes: UnsafeRawBufferPointer, at position: Int) -> (value: UInt64, length: Int)? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = position
        while index < bytes.count, index - position < 10 {
            let byte = bytes[index]
            result |= UInt64(byte & 0x7f) << shift
            index += 1
            if byte < 0x80 { return (result, index - position) }
            shift += 7
        }
        return nil
    }
}
