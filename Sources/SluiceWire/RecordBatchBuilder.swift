import CProtobufC
import CSluiceProto
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

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

    /// Appends one record. `key`/`value` nil means null (distinct from empty); a header's nil value is
    /// `null_value`. Headers are copied into C memory for protobuf-c (this builder is the reference encoding and
    /// the control plane's; the producer's hot path encodes by hand, `ProducerBatch+Encoding`).
    public mutating func append(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [RecordHeader] = [], timestamp: Int64
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
        Self.withCHeaders(headers) { pointers in
            record.n_headers = pointers.count
            record.headers = pointers.baseAddress
            let size = sluice__record__get_packed_size(&record)
            Varint.write(UInt64(size), to: &buffer)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { target in
                withUnsafeMutablePointer(to: &record) { pointer in
                    sluice__record__pack(pointer, target.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
        }
        recordCount += 1
        maxTimestamp = max(maxTimestamp, timestamp)
    }

    /// Appends a record from Swift byte arrays (convenience; the CLI and tests use it).
    public mutating func append(key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader] = [], timestamp: Int64) {
        func withOptional<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
            guard let bytes else { return body(nil) }
            return bytes.withUnsafeBytes { body($0) }
        }
        withOptional(key) { keyBytes in
            withOptional(value) { valueBytes in
                append(key: keyBytes, value: valueBytes, headers: headers, timestamp: timestamp)
            }
        }
    }

    /// Calls `body` with `sluice.RecordHeader` messages for `headers` in C memory (keys NUL-terminated, values
    /// copied), freed when it returns.
    private static func withCHeaders<Result>(
        _ headers: [RecordHeader], _ body: (UnsafeMutableBufferPointer<UnsafeMutablePointer<Sluice__RecordHeader>?>) -> Result
    ) -> Result {
        guard !headers.isEmpty else { return body(UnsafeMutableBufferPointer(start: nil, count: 0)) }
        let messages = UnsafeMutablePointer<Sluice__RecordHeader>.allocate(capacity: headers.count)
        let pointers = UnsafeMutableBufferPointer<UnsafeMutablePointer<Sluice__RecordHeader>?>.allocate(
            capacity: headers.count)
        var owned: [UnsafeMutableRawPointer] = []
        defer {
            owned.forEach { free($0) }
            pointers.deallocate()
            messages.deallocate()
        }
        for (index, header) in headers.enumerated() {
            var message = Sluice__RecordHeader()
            sluice__record_header__init(&message)
            let key = strdup(header.key)!
            owned.append(UnsafeMutableRawPointer(key))
            message.key = key
            if let value = header.value, !value.isEmpty {
                let copy = malloc(value.count)!
                value.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: value.count) }
                owned.append(copy)
                message.value = ProtobufCBinaryData(len: value.count, data: copy.assumingMemoryBound(to: UInt8.self))
            }
            message.null_value = header.value == nil ? 1 : 0
            (messages + index).initialize(to: message)
            pointers[index] = messages + index
        }
        return body(pointers)
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
