import CProtobufC
import CSluiceProto

/// Decodes records out of stored batches: the consumer's path, never the broker's produce path.
public enum RecordBatchReader {
    /// Walks the whole batches in `bytes` (a fetch response's `records`). A partial batch at the end —
    /// a fetch cut at `max.bytes` — is skipped, as Kafka's consumer does. Returns the records and the
    /// offset after the last whole batch, or throws CORRUPT_MESSAGE when a batch fails validation.
    public static func records(in bytes: UnsafeRawBufferPointer) throws(SluiceError) -> (records: [Record], nextOffset: Int64?) {
        var records: [Record] = []
        let nextOffset = try walkBatches(bytes) { (body, header) throws(SluiceError) in
            try decodeRecords(body, header: header, into: &records)
        }
        return (records, nextOffset)
    }

    /// Calls `visit` with the records part and header of each whole, valid batch in `bytes`; stops quietly at a
    /// partial batch at the end. Returns the offset after the last whole batch.
    static func walkBatches(
        _ bytes: UnsafeRawBufferPointer, _ visit: (UnsafeRawBufferPointer, RecordBatchHeader) throws(SluiceError) -> Void
    ) throws(SluiceError) -> Int64? {
        var position = 0
        var nextOffset: Int64?
        while position < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
            switch RecordBatchHeader.validate(rest) {
            case .failure(.truncated):
                return nextOffset
            case .failure(let problem):
                throw SluiceError(.corruptMessage, "batch at byte \(position): \(problem)")
            case .success(let header):
                try visit(UnsafeRawBufferPointer(rebasing: rest[RecordBatchHeader.size..<header.totalSize]), header)
                position += header.totalSize
                nextOffset = header.nextOffset
            }
        }
        return nextOffset
    }

    /// Calls `visit` with each record's encoded `Record` message (after its varint length) and its index.
    static func walkRecordMessages(
        _ body: UnsafeRawBufferPointer, header: RecordBatchHeader,
        _ visit: (UnsafeRawBufferPointer, Int) throws(SluiceError) -> Void
    ) throws(SluiceError) {
        var position = 0
        for index in 0..<Int(header.recordCount) {
            guard let (length, used) = Varint.read(body, at: position), Int(length) <= body.count - position - used else {
                throw SluiceError(.corruptMessage, "record \(index) of batch at offset \(header.baseOffset) is cut short")
            }
            position += used
            try visit(UnsafeRawBufferPointer(rebasing: body[position..<(position + Int(length))]), index)
            position += Int(length)
        }
    }

    /// Decodes the records of one batch whose header is `header`.
    static func decodeRecords(
        _ body: UnsafeRawBufferPointer, header: RecordBatchHeader, into records: inout [Record]
    ) throws(SluiceError) {
        try walkRecordMessages(body, header: header) { (bytes, index) throws(SluiceError) in
            let start = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            guard let start, let message = sluice__record__unpack(nil, bytes.count, start) else {
                throw SluiceError(.corruptMessage, "record \(index) of batch at offset \(header.baseOffset) is not a valid Record")
            }
            defer { sluice__record__free_unpacked(message, nil) }
            let record = message.pointee
            records.append(
                Record(
                    offset: header.baseOffset + Int64(record.offset_delta),
                    timestamp: header.firstTimestamp + record.timestamp_delta,
                    key: record.has_key != 0 ? Self.bytes(record.key) : nil,
                    value: record.has_value != 0 ? Self.bytes(record.value) : nil))
        }
    }

    private static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let pointer = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: data.len))
    }
}
