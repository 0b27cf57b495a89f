import NIOCore
import SluiceWire

/// Splitting a batch the broker refused with MESSAGE_TOO_LARGE (Kafka's `ProducerBatch.split`): its records
/// are read back from its own encoding and written into two new batches, the first half of the records and
/// the rest, in order, each keeping its records' send times and completions.
///
/// The halves live outside `buffer.memory` (`allocatedBytes` 0, as Kafka allocates split batches off the
/// pool): the caller returns this batch's buffer to the pool, so the bytes in use only shrink.
extension ProducerBatch {
    /// One record as this producer encoded it (see `ProducerBatch+Encoding`); the bytes are lent from the
    /// batch's buffer.
    struct EncodedRecord {
        var offsetDelta: Int32 = 0
        var timestampDelta: Int64 = 0
        var key: UnsafeRawBufferPointer?
        var value: UnsafeRawBufferPointer?
        /// Decoded (a split is rare: the copy is the price of not carrying encoded headers through `append`).
        var headers: [RecordHeader] = []
    }

    /// The two halves, unfinished and closed for appends, with this batch's id, open time, attempts and send
    /// reason; nil when the batch has fewer than two records or its bytes cannot be read back.
    func split() -> (ProducerBatch, ProducerBatch)? {
        guard recordCount > 1 else { return nil }
        return buffer.withUnsafeReadableBytes { bytes -> (ProducerBatch, ProducerBatch)? in
            guard let records = Self.readRecords(bytes, count: Int(recordCount)) else { return nil }
            let middle = records.count / 2
            return (half(records, range: 0..<middle), half(records, range: middle..<records.count))
        }
    }

    /// A new batch of `records[range]`, offset deltas from 0 and timestamps relative to its first record.
    private func half(_ records: [EncodedRecord], range: Range<Int>) -> ProducerBatch {
        let firstTimestamp = self.firstTimestamp &+ records[range.lowerBound].timestampDelta
        var bytes = RecordBatchHeader.size
        for index in range {
            let record = records[index]
            let body = Self.recordBodyBytes(
                offsetDelta: Int32(index - range.lowerBound),
                timestampDelta: self.firstTimestamp &+ record.timestampDelta &- firstTimestamp,
                keyCount: record.key?.count, valueCount: record.value?.count,
                headersBytes: Self.headersBytes(record.headers))
            bytes += Varint.size(UInt64(body)) + body
        }
        var half = ProducerBatch(
            id: id, topicPartition: topicPartition, buffer: ByteBufferAllocator().buffer(capacity: bytes),
            allocatedBytes: 0, writeLimitBytes: bytes, openedNanos: openedNanos, firstTimestamp: firstTimestamp,
            expectedRecords: range.count)
        // Completions exist only for records someone waits for; they name their record by offset delta.
        var completionIndex = completions.firstIndex { $0.offsetDelta >= Int32(range.lowerBound) } ?? completions.endIndex
        for index in range {
            let record = records[index]
            var completion: RecordCompletion?
            if completionIndex < completions.endIndex, completions[completionIndex].offsetDelta == Int32(index) {
                completion = completions[completionIndex]
                completionIndex += 1
            }
            half.append(
                key: record.key, value: record.value, headers: record.headers,
                headersBytes: Self.headersBytes(record.headers), timestamp: self.firstTimestamp &+ record.timestampDelta,
                sendNanos: openedNanos + Int64(sendOffsetsMicros[index]) * 1_000,
                storesCompletion: completion != nil, callback: completion?.callback)
        }
        half.isClosedForAppends = true
        half.attempts = attempts
        half.lastAttemptNanos = lastAttemptNanos
        half.sendReason = sendReason
        return half
    }

    /// The records of a batch's bytes (header first), read by their protobuf fields; nil when they are not
    /// `count` well-formed records.
    static func readRecords(_ bytes: UnsafeRawBufferPointer, count: Int) -> [EncodedRecord]? {
        var records: [EncodedRecord] = []
        records.reserveCapacity(count)
        var position = RecordBatchHeader.size
        while records.count < count {
            guard let (length, used) = Varint.read(bytes, at: position), Int(length) <= bytes.count - position - used
            else { return nil }
            let start = position + used
            position = start + Int(length)
            guard let record = readRecord(UnsafeRawBufferPointer(rebasing: bytes[start..<position])) else { return nil }
            records.append(record)
        }
        return position == bytes.count ? records : nil
    }

    /// One record body: fields 1 offset_delta, 2 timestamp_delta, 3 has_key, 4 key, 5 has_value, 6 value,
    /// 7 headers.
    private static func readRecord(_ body: UnsafeRawBufferPointer) -> EncodedRecord? {
        var record = EncodedRecord()
        var hasKey = false
        var hasValue = false
        var position = 0
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        while position < body.count {
            guard let (tag, used) = Varint.read(body, at: position) else { return nil }
            position += used
            switch tag {
            case 0x08, 0x10, 0x18, 0x28:
                guard let (value, valueBytes) = Varint.read(body, at: position) else { return nil }
                position += valueBytes
                switch tag {
                case 0x08: record.offsetDelta = Int32(truncatingIfNeeded: value)
                case 0x10: record.timestampDelta = Int64(bitPattern: value)
                case 0x18: hasKey = value != 0
                default: hasValue = value != 0
                }
            case 0x22, 0x32, 0x3A:
                guard let field = lengthDelimited(body, at: &position) else { return nil }
                switch tag {
                case 0x22: record.key = field
                case 0x32: record.value = field
                default:
                    guard let header = readHeader(field) else { return nil }
                    record.headers.append(header)
                }
            default:
                return nil
            }
        }
        record.key = hasKey ? (record.key ?? empty) : nil
        record.value = hasValue ? (record.value ?? empty) : nil
        return record
    }

    /// A `sluice.RecordHeader`: 1 key, 2 value, 3 null_value.
    private static func readHeader(_ body: UnsafeRawBufferPointer) -> RecordHeader? {
        var key: [UInt8] = []
        var value: [UInt8] = []
        var isNull = false
        var position = 0
        while position < body.count {
            guard let (tag, used) = Varint.read(body, at: position) else { return nil }
            position += used
            switch tag {
            case 0x0A, 0x12:
                guard let field = lengthDelimited(body, at: &position) else { return nil }
                if tag == 0x0A { key = Array(field) } else { value = Array(field) }
            case 0x18:
                guard let (flag, flagBytes) = Varint.read(body, at: position) else { return nil }
                position += flagBytes
                isNull = flag != 0
            default:
                return nil
            }
        }
        return RecordHeader(key: String(decoding: key, as: UTF8.self), value: isNull ? nil : value)
    }

    /// The bytes of a length-delimited field whose length varint is at `position`; moves past them.
    private static func lengthDelimited(_ body: UnsafeRawBufferPointer, at position: inout Int) -> UnsafeRawBufferPointer? {
        guard let (length, lengthBytes) = Varint.read(body, at: position), length <= UInt64(body.count - position - lengthBytes)
        else { return nil }
        let start = position + lengthBytes
        position = start + Int(length)
        return UnsafeRawBufferPointer(rebasing: body[start..<position])
    }
}
