import CProtobufC
import CSluiceProto
import NIOCore

/// Builds one record batch into a `ByteBuffer`: records are packed with protobuf-c straight into
/// the batch's buffer (no allocation per record once the buffer has its capacity), then `finish`
/// writes the header and the CRC-32C.
///
/// Bound: the caller decides when a batch is full (`batch.size`); `wouldFit` tells it before appending.
public struct RecordBatchBuilder: Sendable {
    public private(set) var buffer: ByteBuffer
    public private(set) var recordCount: Int32 = 0
    public let firstTimestamp: Int64
    public private(set) var maxTimestamp: Int64
    public var producerId: Int64 = -1
    public var producerEpoch: Int16 = -1
    public var baseSequence: Int32 = -1

    /// Starts an empty batch; `capacityBytes` is reserved up front (`batch.size`).
    public init(firstTimestamp: Int64, capacityBytes: Int = 16 * 1024, allocator: ByteBufferAllocator = .init()) {
        var buffer = allocator.buffer(capacity: max(capacityBytes, RecordBatchHeader.size))
        buffer.moveWriterIndex(forwardBy: RecordBatchHeader.size)
        buffer.setRepeatingByte(0, count: RecordBatchHeader.size, at: 0)
        self.buffer = buffer
        self.firstTimestamp = firstTimestamp
        self.maxTimestamp = firstTimestamp
    }

    /// Bytes the batch holds so far, header included.
    public var sizeBytes: Int { buffer.readableBytes }

    /// Upper bound of the bytes one record adds (varint length + protobuf fields).
    public static func estimatedRecordSize(keyBytes: Int, valueBytes: Int, headerBytes: Int = 0) -> Int {
        // tags and lengths: offset delta ≤ 6, timestamp delta ≤ 11, has_key/has_value 2+2, key/value 1 + varint
        keyBytes + valueBytes + headerBytes + 6 + 11 + 4 + 2 * (1 + 5) + 5
    }

    /// Appends one record. `key`/`value` nil means null (distinct from empty).
    public mutating func append(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, timestamp: Int64
    ) {
        var record = Sluice__Record()
        sluice__record__init(&record)
        record.offset_delta = recordCount
        record.timestamp_delta = timestamp - firstTimestamp
        if let key {
            record.has_key = 1
            record.key = ProtobufCBinaryData(
                len: key.count, data: UnsafeMutablePointer(mutating: key.baseAddress?.assumingMemoryBound(to: UInt8.self)))
        }
        if let value {
            record.has_value = 1
            record.value = ProtobufCBinaryData(
                len: value.count,
                data: UnsafeMutablePointer(mutating: value.baseAddress?.assumingMemoryBound(to: UInt8.self)))
        }
        let size = sluice__record__get_packed_size(&record)
        Varint.write(UInt64(size), to: &buffer)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { target in
            withUnsafeMutablePointer(to: &record) { pointer in
                sluice__record__pack(pointer, target.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        recordCount += 1
        maxTimestamp = max(maxTimestamp, timestamp)
    }

    /// Appends a record from Swift byte arrays (convenience; the CLI and tests use it).
    public mutating func append(key: [UInt8]?, value: [UInt8]?, timestamp: Int64) {
        func withOptional<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
            guard let bytes else { return body(nil) }
            return bytes.withUnsafeBytes { body($0) }
        }
        withOptional(key) { keyBytes in
            withOptional(value) { valueBytes in append(key: keyBytes, value: valueBytes, timestamp: timestamp) }
        }
    }

    /// Writes the header (base offset 0, leader epoch -1: the leader stamps both) and the CRC; returns the batch.
    public mutating func finish() -> ByteBuffer {
        precondition(recordCount > 0, "a batch needs at least one record")
        let header = RecordBatchHeader(
            baseOffset: 0, batchLength: Int32(buffer.readableBytes - RecordBatchHeader.lengthFieldEnd),
            partitionLeaderEpoch: -1, crc: 0, attributes: 0, lastOffsetDelta: recordCount - 1,
            firstTimestamp: firstTimestamp, maxTimestamp: maxTimestamp, producerId: producerId,
            producerEpoch: producerEpoch, baseSequence: baseSequence, recordCount: recordCount)
        buffer.withUnsafeMutableReadableBytes { header.seal($0) }
        return buffer
    }
}
