import CProtobufC
import CSluiceProto

/// Decodes records out of stored batches: the consumer's path, never the broker's produce path.
public enum RecordBatchReader {
    /// Walks the whole batches in `bytes` (a fetch response's `records`). A partial batch at the end —
    /// a fetch cut at `max.bytes` — is skipped, as Kafka's consumer does. Returns the records and the
    /// offset after the last whole batch, or throws CORRUPT_MESSAGE when a batch fails validation.
    public static func records(in bytes: UnsafeRawBufferPointer) throws(SluiceError) -> (records: [Record], nextOffset: Int64?) {
        var records: [Record] = []
        var position = 0
        var nextOffset: Int64?
        while position < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
            switch RecordBatchHeader.validate(rest) {
            case .failure(.truncated):
                return (records, nextOffset)
            case .failure(let problem):
                throw SluiceError(.corruptMessage, "batch at byte \(position): \(problem)")
            case .success(let header):
                let body = UnsafeRawBufferPointer(rebasing: rest[RecordBatchHeader.size..<header.totalSize])
                try decodeRecords(body, header: header, into: &records)
                position += header.totalSize
                nextOffset = header.nextOffset
            }
        }
        return (records, nextOffset)
    }

    /// Decodes the records of one batch whose header is `header`.
    static func decodeRecords(
        _ body: UnsafeRawBufferPointer, header: RecordBatchHeader, into records: inout [Record]
    ) throws(SluiceError) {
        var position = 0
        for index in 0..<Int(header.recordCount) {
            guard let (length, used) = Varint.read(body, at: position), Int(length) <= body.count - position - used else {
                throw SluiceError(.corruptMessage, "record \(index) of batch at offset \(header.baseOffset) is cut short")
            }
            position += used
            let start = body.baseAddress!.advanced(by: position).assumingMemoryBound(to: UInt8.self)
            guard let message = sluice__record__unpack(nil, Int(length), start) else {
                throw SluiceError(.corruptMessage, "record \(index) of batch at offset \(header.baseOffset) is not a valid Record")
            }
            defer { sluice__record__free_unpacked(message, nil) }
            let record = message.pointee
            records.append(
                Record(
                    offset: header.baseOffset + Int64(record.offset_delta),
                    timestamp: header.firstTimestamp + record.timestamp_delta,
                    key: record.has_key != 0 ? bytes(record.key) : nil,
                    value: record.has_value != 0 ? bytes(record.value) : nil))
            position += Int(length)
        }
    }

    private static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let pointer = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: data.len))
    }
}
