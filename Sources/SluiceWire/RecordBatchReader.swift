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

    /// Calls `visit` with each record of a magic-2 batch, decompressing its records first when its attributes
    /// name a codec (the pointers then point into the decompressed copy, valid during the visit).
    static func withKafkaRecords(
        _ body: UnsafeRawBufferPointer, header: RecordBatchHeader, _ visit: (KafkaRecordFields) throws(SluiceError) -> Void
    ) throws(SluiceError) {
        guard header.compressionCodec != 0 else { return try KafkaRecordCodec.forEachRecord(body, header: header, visit) }
        guard let codec = BatchCompression.Codec(rawValue: header.compressionCodec) else {
            throw SluiceError(
                .unsupportedCompressionType,
                "batch at offset \(header.baseOffset) names unknown compression codec \(header.compressionCodec)")
        }
        let records: [UInt8]
        do { records = try BatchCompression.decompress(body, codec: codec) } catch {
            throw SluiceError(error.code, "batch at offset \(header.baseOffset): \(error.message)")
        }
        // Array.withUnsafeBytes rethrows untyped: the typed error travels out in `failure`.
        var failure: SluiceError?
        records.withUnsafeBytes { bytes in
            do throws(SluiceError) { try KafkaRecordCodec.forEachRecord(bytes, header: header, visit) } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Decodes the records of one batch whose header is `header`: native (magic 1) or Kafka's (magic 2).
    static func decodeRecords(
        _ body: UnsafeRawBufferPointer, header: RecordBatchHeader, into records: inout [Record]
    ) throws(SluiceError) {
        if header.magic == RecordBatchHeader.kafkaMagicValue {
            return try withKafkaRecords(body, header: header) { fields in
                records.append(
                    Record(
                        offset: header.baseOffset + fields.offsetDelta,
                        timestamp: header.firstTimestamp + fields.timestampDelta,
                        key: fields.key.map { Array($0) }, value: fields.value.map { Array($0) },
                        headers: fields.headers()))
            }
        }
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
                    value: record.has_value != 0 ? Self.bytes(record.value) : nil,
                    headers: Self.headers(record.headers, count: record.n_headers)))
        }
    }

    private static func headers(
        _ headers: UnsafeMutablePointer<UnsafeMutablePointer<Sluice__RecordHeader>?>?, count: Int
    ) -> [RecordHeader] {
        guard let headers, count > 0 else { return [] }
        return (0..<count).compactMap { index in
            guard let header = headers[index]?.pointee else { return nil }
            let key = header.key.map { String(cString: $0) } ?? ""
            return RecordHeader(key: key, value: header.null_value != 0 ? nil : bytes(header.value))
        }
    }

    private static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let pointer = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: data.len))
    }
}
