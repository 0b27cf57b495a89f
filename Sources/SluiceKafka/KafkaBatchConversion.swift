import NIOCore
import SluiceWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns stored batches into what a Kafka consumer reads: Kafka's magic-2 batches go out as stored (from the
/// segment file, sendfile), Sluice's native batches (magic 1, `sluice.Record`s) are re-encoded as magic 2 with
/// the same offsets, timestamps, producer fields, keys, values and headers — Kafka's down-conversion, the other
/// way round, and counted the same way (`sluice_broker_fetch_conversions_total`).
public enum KafkaBatchConversion {
    /// The records of `range` as frame parts: runs of magic-2 batches as sub-ranges of the file, each native batch
    /// converted in memory. A batch cut short at the end of the range (never the first: fetch returns whole
    /// batches) ends the walk. `converted` counts the native batches converted.
    public static func parts(
        of range: FileRange, allocator: ByteBufferAllocator
    ) throws(SluiceError) -> (parts: [FramePart], byteCount: Int, converted: Int) {
        var parts: [FramePart] = []
        var byteCount = 0
        var converted = 0
        var runStart: Int64?
        var position = range.position
        let end = range.position + Int64(range.count)
        func closeRun(at stop: Int64) {
            guard let start = runStart else { return }
            parts.append(.file(FileRange(file: range.file, position: start, count: Int(stop - start))))
            byteCount += Int(stop - start)
            runStart = nil
        }
        // Bound: each pass moves `position` forward by a whole batch (at least a header) or ends the walk.
        while end - position >= Int64(RecordBatchHeader.size) {
            let header = try readHeader(range.file, at: position)
            guard header.batchLength >= RecordBatchHeader.minimumBatchLength,
                position + Int64(header.totalSize) <= end
            else { break }
            if header.magic == RecordBatchHeader.kafkaMagicValue {
                if runStart == nil { runStart = position }
            } else {
                closeRun(at: position)
                let native = try read(range.file, at: position, count: header.totalSize, allocator: allocator)
                let batch = try native.withUnsafeReadableBytes { (bytes) throws(SluiceError) in
                    try convert(nativeBatch: bytes, allocator: allocator)
                }
                byteCount += batch.readableBytes
                parts.append(.bytes(batch))
                converted += 1
            }
            position += Int64(header.totalSize)
        }
        closeRun(at: position)
        return (parts, byteCount, converted)
    }

    /// One native batch (whole, validated here) as a magic-2 batch: the header's fields kept, the compression
    /// bits cleared (native batches have none), the records re-encoded, the CRC-32C computed anew.
    public static func convert(
        nativeBatch bytes: UnsafeRawBufferPointer, allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(SluiceError) -> ByteBuffer {
        guard var header = RecordBatchHeader(parsing: bytes), header.magic == RecordBatchHeader.magicValue else {
            throw SluiceError(.corruptMessage, "not a native batch")
        }
        let records = try RecordBatchReader.records(in: UnsafeRawBufferPointer(rebasing: bytes[..<header.totalSize]))
            .records
        var batch = allocator.buffer(capacity: header.totalSize + records.count * 8)
        batch.writeRepeatingByte(0, count: RecordBatchHeader.size)
        for record in records {
            withOptionalBytes(record.key) { key in
                withOptionalBytes(record.value) { value in
                    KafkaRecordCodec.writeRecord(
                        offsetDelta: Int32(truncatingIfNeeded: record.offset - header.baseOffset),
                        timestampDelta: record.timestamp - header.firstTimestamp, key: key, value: value,
                        headers: record.headers, to: &batch)
                }
            }
        }
        header.magic = RecordBatchHeader.kafkaMagicValue
        header.attributes &= ~0x07
        header.batchLength = Int32(batch.readableBytes - RecordBatchHeader.lengthFieldEnd)
        batch.withUnsafeMutableReadableBytes { header.seal($0) }
        return batch
    }

    private static func withOptionalBytes<Result>(
        _ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }

    /// The 61-byte header at `position`, read into stack memory: one pread per batch walked, no buffer allocated.
    private static func readHeader(_ file: any OpenFile, at position: Int64) throws(SluiceError) -> RecordBatchHeader {
        let header = withUnsafeTemporaryAllocation(byteCount: RecordBatchHeader.size, alignment: 8) { target in
            var done = 0
            while done < target.count {
                let result = pread(file.descriptor, target.baseAddress! + done, target.count - done, off_t(position) + off_t(done))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { return nil as RecordBatchHeader? }
                done += result
            }
            return RecordBatchHeader(parsing: UnsafeRawBufferPointer(target))
        }
        guard let header else {
            throw SluiceError(.kafkaStorageError, "reading a batch header of \(file.path) at \(position) failed")
        }
        return header
    }

    private static func read(
        _ file: any OpenFile, at position: Int64, count: Int, allocator: ByteBufferAllocator
    ) throws(SluiceError) -> ByteBuffer {
        do {
            return try FileRange(file: file, position: position, count: count).readBytes(allocator: allocator)
        } catch {
            throw SluiceError(.kafkaStorageError, "reading \(file.path) at \(position): \(error)")
        }
    }
}
