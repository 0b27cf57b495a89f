/// One record of a stored batch read in place: `key` and `value` point into the batch's bytes and are valid
/// only during the visit (`RecordBatchReader.forEachRecord`). nil means a null key or value, as in `Record`.
public struct RecordView {
    public var offset: Int64
    public var timestamp: Int64
    public var key: UnsafeRawBufferPointer?
    public var value: UnsafeRawBufferPointer?
}

extension RecordBatchReader {
    /// Visits every record of the whole batches in `bytes` in place: the same batches, checks (length, magic,
    /// count, CRC-32C) and results as `records(in:)`, without allocating or copying a key or value — the path
    /// of a consumer that only looks at its records (`sluice perf consume`). Returns the offset after the last
    /// whole batch; a partial batch at the end is skipped. Throws CORRUPT_MESSAGE for a bad batch or record.
    public static func forEachRecord(
        in bytes: UnsafeRawBufferPointer, _ visit: (RecordView) -> Void
    ) throws(SluiceError) -> Int64? {
        try walkBatches(bytes) { (body, header) throws(SluiceError) in
            if header.magic == RecordBatchHeader.kafkaMagicValue {
                return try withKafkaRecords(body, header: header) { fields in
                    visit(
                        RecordView(
                            offset: header.baseOffset + fields.offsetDelta,
                            timestamp: header.firstTimestamp + fields.timestampDelta, key: fields.key,
                            value: fields.value))
                }
            }
            try walkRecordMessages(body, header: header) { (message, index) throws(SluiceError) in
                guard var record = RecordFields(parsing: message) else {
                    throw SluiceError(
                        .corruptMessage, "record \(index) of batch at offset \(header.baseOffset) is not a valid Record")
                }
                record.view.offset += header.baseOffset
                record.view.timestamp += header.firstTimestamp
                visit(record.view)
            }
        }
    }
}

/// `sluice.Record` read by hand (proto/sluice.proto): offset_delta = 1, timestamp_delta = 2, has_key = 3,
/// key = 4, has_value = 5, value = 6, headers = 7 (skipped); unknown fields skipped by wire type, as
/// protobuf-c does. Deltas are left relative; the caller adds the batch's bases.
private struct RecordFields {
    var view = RecordView(offset: 0, timestamp: 0, key: nil, value: nil)

    init?(parsing bytes: UnsafeRawBufferPointer) {
        var position = 0
        var hasKey = false
        var hasValue = false
        var key = UnsafeRawBufferPointer(start: nil, count: 0)
        var value = UnsafeRawBufferPointer(start: nil, count: 0)
        while position < bytes.count {
            guard let (tag, tagLength) = Varint.read(bytes, at: position) else { return nil }
            position += tagLength
            let (field, wireType) = (tag >> 3, tag & 7)
            switch wireType {
            case 0:
                guard let (number, length) = Varint.read(bytes, at: position) else { return nil }
                position += length
                switch field {
                case 1: view.offset = Int64(Int32(truncatingIfNeeded: number))
                case 2: view.timestamp = Int64(bitPattern: number)
                case 3: hasKey = number != 0
                case 5: hasValue = number != 0
                case 4, 6, 7: return nil  // a length-delimited field with a varint: protobuf-c refuses it too
                default: break
                }
            case 2:
                guard let (count, length) = Varint.read(bytes, at: position), count <= UInt64(bytes.count - position - length)
                else { return nil }
                position += length
                let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(count))])
                position += Int(count)
                switch field {
                case 4: key = slice
                case 6: value = slice
                case 1, 2, 3, 5: return nil  // a varint field sent length-delimited: protobuf-c refuses it too
                default: break
                }
            case 1:
                guard field > 7, bytes.count - position >= 8 else { return nil }
                position += 8
            case 5:
                guard field > 7, bytes.count - position >= 4 else { return nil }
                position += 4
            default:
                return nil
            }
            guard field != 0 else { return nil }
        }
        view.key = hasKey ? key : nil
        view.value = hasValue ? value : nil
    }
}
