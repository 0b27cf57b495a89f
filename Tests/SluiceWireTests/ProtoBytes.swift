/// Hand-written protobuf encoding for tests: builds frames the Swift models cannot express
/// (out-of-range ints, invalid UTF-8, missing or unknown oneof cases) without going through WireCodec.
struct ProtoBytes {
    private(set) var bytes: [UInt8] = []

    /// A varint field (wire type 0); negative values take ten bytes, as protobuf encodes int32/int64.
    func varint(_ field: Int, _ value: Int64) -> ProtoBytes {
        var copy = self
        copy.appendVarint(UInt64(field << 3 | 0))
        copy.appendVarint(UInt64(bitPattern: value))
        return copy
    }

    /// A length-delimited field (wire type 2): string, bytes or sub-message.
    func lengthDelimited(_ field: Int, _ payload: [UInt8]) -> ProtoBytes {
        var copy = self
        copy.appendVarint(UInt64(field << 3 | 2))
        copy.appendVarint(UInt64(payload.count))
        copy.bytes += payload
        return copy
    }

    /// A sub-message field.
    func message(_ field: Int, _ inner: ProtoBytes) -> ProtoBytes { lengthDelimited(field, inner.bytes) }

    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
