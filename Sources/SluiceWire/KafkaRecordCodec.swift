import NIOCore

/// Kafka's record encoding inside a magic-2 batch (Kafka's `DefaultRecord`), read by consumers of stored Kafka
/// batches (the native client, the CLI) and written when a native batch is converted for a Kafka fetch:
///
/// ```
/// length          varint    bytes after this field
/// attributes      int8      unused, 0
/// timestampDelta  varlong   from the batch's firstTimestamp
/// offsetDelta     varint    from the batch's baseOffset
/// keyLength       varint    -1: null key
/// key             bytes
/// valueLength     varint    -1: null value
/// value           bytes
/// headerCount     varint
///   keyLength varint, key (UTF-8), valueLength varint (-1: null), value
/// ```
/// Every varint here is zigzag-encoded (Kafka's `ByteUtils.writeVarint`), unlike the plain varint before each
/// native record. It lives in SluiceWire, next to the native format, because the client reads both.
public enum KafkaRecordCodec {
    /// Appends `value` zigzag-encoded.
    @inlinable
    public static func writeVarint(_ value: Int64, to buffer: inout ByteBuffer) {
        Varint.write(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &buffer)
    }

    /// Bytes `writeVarint(value)` takes.
    @inlinable
    public static func varintSize(_ value: Int64) -> Int {
        Varint.size(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Reads a zigzag varint at `position`; nil when the bytes end first or it is longer than 10 bytes.
    @inlinable
    public static func readVarint(_ bytes: UnsafeRawBufferPointer, at position: Int) -> (value: Int64, length: Int)? {
        guard let (raw, length) = Varint.read(bytes, at: position) else { return nil }
        return (Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1), length)
    }

    /// Appends one record. `key`/`value` nil are nulls; the header values likewise.
    public static func writeRecord(
        offsetDelta: Int32, timestampDelta: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [RecordHeader], to buffer: inout ByteBuffer
    ) {
        var bodySize = 1 + varintSize(timestampDelta) + varintSize(Int64(offsetDelta))
        bodySize += fieldSize(key?.count) + fieldSize(value?.count) + varintSize(Int64(headers.count))
        for header in headers { bodySize += fieldSize(header.key.utf8.count) + fieldSize(header.value?.count) }
        writeVarint(Int64(bodySize), to: &buffer)
        let start = buffer.writerIndex
        buffer.writeInteger(UInt8(0))
        writeVarint(timestampDelta, to: &buffer)
        writeVarint(Int64(offsetDelta), to: &buffer)
        writeField(key, to: &buffer)
        writeField(value, to: &buffer)
        writeVarint(Int64(headers.count), to: &buffer)
        for header in headers {
            writeVarint(Int64(header.key.utf8.count), to: &buffer)
            buffer.writeString(header.key)
            if let headerValue = header.value {
                headerValue.withUnsafeBytes { writeField($0, to: &buffer) }
            } else {
                writeVarint(-1, to: &buffer)
            }
        }
        assert(buffer.writerIndex - start == bodySize, "a record's length field matches its bytes")
    }

    private static func fieldSize(_ count: Int?) -> Int {
        guard let count else { return varintSize(-1) }
        return varintSize(Int64(count)) + count
    }

    private static func writeField(_ bytes: UnsafeRawBufferPointer?, to buffer: inout ByteBuffer) {
        guard let bytes else { return writeVarint(-1, to: &buffer) }
        writeVarint(Int64(bytes.count), to: &buffer)
        buffer.writeBytes(bytes)
    }

    /// Calls `visit` with each record of an uncompressed magic-2 batch body (the bytes after the header), its
    /// key, value and headers pointing into `body` (valid only during the visit). Throws CORRUPT_MESSAGE for a
    /// record that does not parse or overruns its length, and when the count differs from the header's.
    static func forEachRecord(
        _ body: UnsafeRawBufferPointer, header: RecordBatchHeader, _ visit: (KafkaRecordFields) throws(SluiceError) -> Void
    ) throws(SluiceError) {
        var position = 0
        for index in 0..<Int(header.recordCount) {
            let problem = "record \(index) of batch at offset \(header.baseOffset)"
            guard let (length, used) = readVarint(body, at: position), length >= 0,
                length <= Int64(body.count - position - used)
            else { throw SluiceError(.corruptMessage, "\(problem) is cut short") }
            position += used
            let recordBytes = UnsafeRawBufferPointer(rebasing: body[position..<(position + Int(length))])
            guard let fields = KafkaRecordFields(parsing: recordBytes) else {
                throw SluiceError(.corruptMessage, "\(problem) is not a valid Kafka record")
            }
            try visit(fields)
            position += Int(length)
        }
        guard position == body.count else {
            throw SluiceError(
                .corruptMessage,
                "batch at offset \(header.baseOffset) has \(body.count - position) bytes after its \(header.recordCount) records")
        }
    }
}

/// One Kafka record's fields read in place (pointers into the batch), deltas still relative to the batch.
struct KafkaRecordFields {
    var offsetDelta: Int64 = 0
    var timestampDelta: Int64 = 0
    var key: UnsafeRawBufferPointer?
    var value: UnsafeRawBufferPointer?
    /// The header section after its count (each: key length, key, value length, value).
    var headerCount = 0
    var headerBytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Parses one record's bytes (after its length); nil when a field overruns them or bytes are left over.
    init?(parsing bytes: UnsafeRawBufferPointer) {
        var position = 1  // attributes: unused by Kafka
        guard bytes.count >= 1 else { return nil }
        guard let (timestamp, timestampLength) = KafkaRecordCodec.readVarint(bytes, at: position) else { return nil }
        position += timestampLength
        timestampDelta = timestamp
        guard let (offset, offsetLength) = KafkaRecordCodec.readVarint(bytes, at: position) else { return nil }
        position += offsetLength
        offsetDelta = offset
        guard let key = Self.field(bytes, at: &position), let value = Self.field(bytes, at: &position) else {
            return nil
        }
        self.key = key.bytes
        self.value = value.bytes
        guard let (count, countLength) = KafkaRecordCodec.readVarint(bytes, at: position), count >= 0 else { return nil }
        position += countLength
        let headersStart = position
        // Bound: each header takes at least two bytes of a finite record, checked per field.
        guard count <= Int64(bytes.count - position) else { return nil }
        for _ in 0..<Int(count) {
            guard let headerKey = Self.field(bytes, at: &position), headerKey.bytes != nil,
                Self.field(bytes, at: &position) != nil
            else { return nil }
        }
        guard position == bytes.count else { return nil }
        headerCount = Int(count)
        headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headersStart..<position])
    }

    /// The headers, copied out (the consumer's `Record`).
    func headers() -> [RecordHeader] {
        var headers: [RecordHeader] = []
        headers.reserveCapacity(headerCount)
        var position = 0
        for _ in 0..<headerCount {
            // Parsed once already by init: these cannot fail.
            let key = Self.field(headerBytes, at: &position)!.bytes!
            let value = Self.field(headerBytes, at: &position)!.bytes
            headers.append(RecordHeader(key: String(decoding: key, as: UTF8.self), value: value.map { Array($0) }))
        }
        return headers
    }

    /// A length-prefixed field: nil when it does not fit; `.bytes` nil for length -1 (null).
    private static func field(
        _ bytes: UnsafeRawBufferPointer, at position: inout Int
    ) -> (bytes: UnsafeRawBufferPointer?, Void)? {
        guard let (length, used) = KafkaRecordCodec.readVarint(bytes, at: position), length >= -1,
            length <= Int64(bytes.count - position - used)
        else { return nil }
        position += used
        guard length >= 0 else { return (nil, ()) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
        position += Int(length)
        return (slice, ())
    }
}
