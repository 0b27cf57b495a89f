import NIOCore
import SluiceWire

/// Record encoding straight into the batch's buffer: the bytes protobuf-c's `sluice__record__pack` writes for
/// `sluice.Record` (proto3: fields in number order, zero-valued scalars and empty bytes omitted), behind a
/// varint length — what `RecordBatchBuilder` produces, without building a C message per record.
///
/// ```
/// field 1 offset_delta    tag 0x08, varint (int32: negative values take 10 bytes; never negative here)
/// field 2 timestamp_delta tag 0x10, varint (int64 two's complement: a timestamp before the first is 10 bytes)
/// field 3 has_key         tag 0x18, 0x01            (only when the key is not null)
/// field 4 key             tag 0x22, length, bytes   (only when the key has bytes)
/// field 5 has_value       tag 0x28, 0x01
/// field 6 value           tag 0x32, length, bytes
/// field 7 headers         tag 0x3A, length, sluice.RecordHeader per header, in order:
///         1 key           tag 0x0A, length, UTF-8     (only when not empty)
///         2 value         tag 0x12, length, bytes     (only when it has bytes)
///         3 null_value    tag 0x18, 0x01              (only for a null value)
/// ```
/// A record without headers costs one `isEmpty` check: `headersBytes` is computed once per record, when its
/// `AppendRequest` is made.
extension ProducerBatch {
    /// Upper bound of one record's bytes in any batch (length prefix included), whatever its offset and
    /// timestamp deltas: for the `max.request.size` / `buffer.memory` check before choosing a batch.
    static func maximumRecordBytes(keyCount: Int?, valueCount: Int?, headersBytes: Int = 0) -> Int {
        let body = recordBodyBytes(
            offsetDelta: Int32.max, timestampDelta: -1, keyCount: keyCount, valueCount: valueCount,
            headersBytes: headersBytes)
        return Varint.size(UInt64(body)) + body
    }

    /// Bytes of the `headers` fields of a record (tags and lengths included); 0 without headers.
    static func headersBytes(_ headers: [RecordHeader]) -> Int {
        var size = 0
        for header in headers {
            let body = headerBodyBytes(header)
            size += 1 + Varint.size(UInt64(body)) + body
        }
        return size
    }

    /// Bytes of one `sluice.RecordHeader` message.
    @inline(__always)
    private static func headerBodyBytes(_ header: RecordHeader) -> Int {
        let keyCount = header.key.utf8.count
        var size = keyCount > 0 ? 1 + Varint.size(UInt64(keyCount)) + keyCount : 0
        if let value = header.value {
            if !value.isEmpty { size += 1 + Varint.size(UInt64(value.count)) + value.count }
        } else {
            size += 2
        }
        return size
    }

    /// Exact bytes of a record's protobuf body (without its length prefix).
    @inline(__always)
    static func recordBodyBytes(
        offsetDelta: Int32, timestampDelta: Int64, keyCount: Int?, valueCount: Int?, headersBytes: Int
    ) -> Int {
        var size = headersBytes
        if offsetDelta != 0 { size += 1 + Varint.size(UInt64(bitPattern: Int64(offsetDelta))) }
        if timestampDelta != 0 { size += 1 + Varint.size(UInt64(bitPattern: timestampDelta)) }
        if let keyCount {
            size += 2
            if keyCount > 0 { size += 1 + Varint.size(UInt64(keyCount)) + keyCount }
        }
        if let valueCount {
            size += 2
            if valueCount > 0 { size += 1 + Varint.size(UInt64(valueCount)) + valueCount }
        }
        return size
    }

    /// Exact bytes the next record would add to this batch, length prefix included.
    func nextRecordBytes(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headersBytes: Int = 0, timestamp: Int64
    ) -> Int {
        let body = Self.recordBodyBytes(
            offsetDelta: recordCount, timestampDelta: timestamp &- firstTimestamp, keyCount: key?.count,
            valueCount: value?.count, headersBytes: headersBytes)
        return Varint.size(UInt64(body)) + body
    }

    /// Writes one record (length prefix and body) at the buffer's end. One bounds-checked write, no
    /// allocation: the caller checked the room against `writeLimitBytes`, within the buffer's capacity.
    mutating func writeRecord(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [RecordHeader], headersBytes: Int,
        offsetDelta: Int32, timestampDelta: Int64
    ) {
        assert(headersBytes == Self.headersBytes(headers), "headersBytes does not match the headers")
        let body = Self.recordBodyBytes(
            offsetDelta: offsetDelta, timestampDelta: timestampDelta, keyCount: key?.count, valueCount: value?.count,
            headersBytes: headersBytes)
        let total = Varint.size(UInt64(body)) + body
        assert(buffer.writableBytes >= total, "record of \(total) bytes past the batch buffer's capacity")
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { target in
            var index = 0
            Self.put(varint: UInt64(body), into: target, at: &index)
            if offsetDelta != 0 {
                Self.put(byte: 0x08, into: target, at: &index)
                Self.put(varint: UInt64(bitPattern: Int64(offsetDelta)), into: target, at: &index)
            }
            if timestampDelta != 0 {
                Self.put(byte: 0x10, into: target, at: &index)
                Self.put(varint: UInt64(bitPattern: timestampDelta), into: target, at: &index)
            }
            Self.put(field: 0x18, bytesTag: 0x22, key, into: target, at: &index)
            Self.put(field: 0x28, bytesTag: 0x32, value, into: target, at: &index)
            if !headers.isEmpty { Self.put(headers: headers, into: target, at: &index) }
            assert(index == total, "encoded \(index) bytes, computed \(total)")
            return index
        }
    }

    /// A nullable bytes field: the presence flag (`has_key`/`has_value`) then the bytes when not empty.
    @inline(__always)
    private static func put(
        field flagTag: UInt8, bytesTag: UInt8, _ bytes: UnsafeRawBufferPointer?,
        into target: UnsafeMutableRawBufferPointer,
        at index: inout Int
    ) {
        guard let bytes else { return }
        put(byte: flagTag, into: target, at: &index)
        put(byte: 1, into: target, at: &index)
        put(tag: bytesTag, bytes, into: target, at: &index)
    }

    /// The `headers` fields: per header its tag, length and `sluice.RecordHeader` body.
    private static func put(
        headers: [RecordHeader], into target: UnsafeMutableRawBufferPointer, at index: inout Int
    ) {
        for header in headers {
            put(byte: 0x3A, into: target, at: &index)
            put(varint: UInt64(headerBodyBytes(header)), into: target, at: &index)
            var key = header.key
            key.withUTF8 { put(tag: 0x0A, UnsafeRawBufferPointer($0), into: target, at: &index) }
            if let value = header.value {
                value.withUnsafeBytes { put(tag: 0x12, $0, into: target, at: &index) }
            } else {
                put(byte: 0x18, into: target, at: &index)
                put(byte: 1, into: target, at: &index)
            }
        }
    }

    /// A length-delimited field, omitted when empty (proto3).
    @inline(__always)
    private static func put(
        tag: UInt8, _ bytes: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer, at index: inout Int
    ) {
        guard bytes.count > 0, let source = bytes.baseAddress else { return }
        put(byte: tag, into: target, at: &index)
        put(varint: UInt64(bytes.count), into: target, at: &index)
        target.baseAddress!.advanced(by: index).copyMemory(from: source, byteCount: bytes.count)
        index += bytes.count
    }

    @inline(__always)
    /// One byte at `index`.
    private static func put(byte: UInt8, into target: UnsafeMutableRawBufferPointer, at index: inout Int) {
        target[index] = byte
        index += 1
    }

    @inline(__always)
    /// An unsigned LEB128 varint at `index`.
    private static func put(varint: UInt64, into target: UnsafeMutableRawBufferPointer, at index: inout Int) {
        var value = varint
        while value >= 0x80 {
            target[index] = UInt8(truncatingIfNeeded: value) | 0x80
            index += 1
            value >>= 7
        }
        target[index] = UInt8(value)
        index += 1
    }
}
