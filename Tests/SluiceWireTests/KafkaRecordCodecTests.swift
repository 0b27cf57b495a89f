import NIOCore
import SluiceWire
import Testing

/// Kafka's record encoding inside magic-2 batches (Kafka's `DefaultRecord`): zigzag varints, nulls, headers, and
/// the native reader reading such batches next to its own.
@Suite struct KafkaRecordCodecTests {
    /// A magic-2 batch of `records` (offsets and timestamps relative to the first), sealed with its CRC-32C.
    static func kafkaBatch(
        _ records: [(key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader])], baseOffset: Int64 = 0,
        firstTimestamp: Int64 = 1_700_000_000_000, attributes: Int16 = 0,
        compress: (UnsafeRawBufferPointer) -> [UInt8] = { Array($0) }
    ) -> ByteBuffer {
        var batch = ByteBuffer()
        batch.writeRepeatingByte(0, count: RecordBatchHeader.size)
        for (index, record) in records.enumerated() {
            let write = { (key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) in
                KafkaRecordCodec.writeRecord(
                    offsetDelta: Int32(index), timestampDelta: Int64(index) * 10, key: key, value: value,
                    headers: record.headers, to: &batch)
            }
            switch (record.key, record.value) {
            case (nil, nil): write(nil, nil)
            case (let key?, nil): key.withUnsafeBytes { write($0, nil) }
            case (nil, let value?): value.withUnsafeBytes { write(nil, $0) }
            case (let key?, let value?): key.withUnsafeBytes { k in value.withUnsafeBytes { write(k, $0) } }
            }
        }
        let plain = batch.getBytes(at: RecordBatchHeader.size, length: batch.readableBytes - RecordBatchHeader.size)!
        batch.moveWriterIndex(to: RecordBatchHeader.size)
        batch.writeBytes(plain.withUnsafeBytes(compress))
        let header = RecordBatchHeader(
            baseOffset: baseOffset, batchLength: Int32(batch.readableBytes - RecordBatchHeader.lengthFieldEnd),
            magic: RecordBatchHeader.kafkaMagicValue, attributes: attributes,
            lastOffsetDelta: Int32(records.count - 1), firstTimestamp: firstTimestamp,
            maxTimestamp: firstTimestamp + Int64(records.count - 1) * 10, recordCount: Int32(records.count))
        batch.withUnsafeMutableReadableBytes { header.seal($0) }
        return batch
    }

    @Test func zigzagVarintsMatchKafkasByteUtils() {
        let vectors: [(Int64, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-64, [0x7f]), (64, [0x80, 0x01]), (300, [0xd8, 0x04]),
        ]
        for (value, bytes) in vectors {
            var buffer = ByteBuffer()
            KafkaRecordCodec.writeVarint(value, to: &buffer)
            #expect(Array(buffer.readableBytesView) == bytes, "\(value)")
            #expect(KafkaRecordCodec.varintSize(value) == bytes.count)
            let read = bytes.withUnsafeBytes { KafkaRecordCodec.readVarint($0, at: 0) }
            #expect(read?.value == value)
        }
        for value in [Int64.min, Int64.max, Int64(Int32.min), -1_234_567_890_123] {
            var buffer = ByteBuffer()
            KafkaRecordCodec.writeVarint(value, to: &buffer)
            #expect(buffer.withUnsafeReadableBytes { KafkaRecordCodec.readVarint($0, at: 0)?.value } == value)
        }
    }

    @Test func aRecordIsEncodedAsKafkasDefaultRecord() {
        var buffer = ByteBuffer()
        Array("k".utf8).withUnsafeBytes { key in
            Array("v".utf8).withUnsafeBytes { value in
                KafkaRecordCodec.writeRecord(
                    offsetDelta: 0, timestampDelta: 0, key: key, value: value, headers: [], to: &buffer)
            }
        }
        // length 8 (zigzag 0x10), attributes, timestamp delta, offset delta, key "k", value "v", no headers.
        #expect(Array(buffer.readableBytesView) == [0x10, 0x00, 0x00, 0x00, 0x02, 0x6b, 0x02, 0x76, 0x00])
    }

    @Test func theNativeReaderReadsMagicTwoWithNullsAndHeaders() throws {
        let headers = [RecordHeader(key: "trace", value: [1, 2, 3]), RecordHeader(key: "empty", value: nil)]
        let batch = Self.kafkaBatch(
            [(Array("a".utf8), Array("one".utf8), headers), (nil, Array("two".utf8), []), (Array("c".utf8), nil, [])],
            baseOffset: 40)
        let (records, next) = try batch.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0) }
        #expect(next == 43)
        #expect(records.map(\.offset) == [40, 41, 42])
        #expect(records.map(\.timestamp) == [1_700_000_000_000, 1_700_000_000_010, 1_700_000_000_020])
        #expect(records.map(\.key) == [Array("a".utf8), nil, Array("c".utf8)])
        #expect(records.map(\.value) == [Array("one".utf8), Array("two".utf8), nil])
        #expect(records[0].headers == headers)
        var viewed: [[UInt8]?] = []
        _ = try batch.withUnsafeReadableBytes { bytes in
            try RecordBatchReader.forEachRecord(in: bytes) { viewed.append($0.value.map { Array($0) }) }
        }
        #expect(viewed == records.map(\.value))
    }

    @Test func compressedBatchesOfEveryCodecReadBack() throws {
        let values = (0..<50).map { Array("value \($0) ".utf8) + Array(repeating: UInt8(ascii: "z"), count: $0) }
        let records = values.map { (key: Optional<[UInt8]>.none, value: Optional($0), headers: [RecordHeader]()) }
        for codec in BatchCompression.Codec.allCases where codec != .none {
            let batch = Self.kafkaBatch(records, attributes: Int16(codec.rawValue)) {
                BatchCompression.compress($0, codec: codec)
            }
            let plainSize = Self.kafkaBatch(records).readableBytes
            #expect(batch.readableBytes < plainSize, "\(codec) compresses")
            let read = try batch.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0).records }
            #expect(read.map(\.value) == values, "\(codec)")
            #expect(read.map(\.offset) == Array(0..<50), "\(codec)")
        }
    }

    @Test func snappyInSnappyJavasFramingReadsBack() throws {
        let values = (0..<20).map { Array("framed \($0)".utf8) }
        let records = values.map { (key: Optional<[UInt8]>.none, value: Optional($0), headers: [RecordHeader]()) }
        let batch = Self.kafkaBatch(records, attributes: 2) { plain in
            // snappy-java: magic, version 1, compatible 1, then two blocks of (length, raw snappy).
            var framed: [UInt8] = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]
            let half = plain.count / 2
            for part in [UnsafeRawBufferPointer(rebasing: plain[..<half]), UnsafeRawBufferPointer(rebasing: plain[half...])] {
                let block = BatchCompression.compress(part, codec: .snappy)
                withUnsafeBytes(of: UInt32(block.count).bigEndian) { framed += $0 }
                framed += block
            }
            return framed
        }
        let read = try batch.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0).records }
        #expect(read.map(\.value) == values)
    }

    @Test func badCompressedDataIsCorruptAndAnUnknownCodecIsNamed() {
        let garbage = Self.kafkaBatch([(nil, Array("x".utf8), [])], attributes: 4) { _ in [1, 2, 3, 4, 5, 6, 7, 8] }
        #expect {
            try garbage.withUnsafeReadableBytes { _ = try RecordBatchReader.records(in: $0) }
        } throws: { error in (error as? SluiceError)?.code == .corruptMessage }
        let unknown = Self.kafkaBatch([(nil, Array("x".utf8), [])], attributes: 6)
        #expect {
            try unknown.withUnsafeReadableBytes { _ = try RecordBatchReader.records(in: $0) }
        } throws: { error in
            guard let error = error as? SluiceError else { return false }
            return error.code == .unsupportedCompressionType && error.message.contains("codec 6")
        }
    }

    @Test func decompressionStopsAtItsBound() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        for codec in BatchCompression.Codec.allCases where codec != .none {
            let packed = zeros.withUnsafeBytes { BatchCompression.compress($0, codec: codec) }
            #expect(packed.count < 64 << 10, "\(codec)")
            #expect(try packed.withUnsafeBytes { try BatchCompression.decompress($0, codec: codec) } == zeros)
            #expect {
                try packed.withUnsafeBytes { _ = try BatchCompression.decompress($0, codec: codec, limitBytes: 1 << 16) }
            } throws: { error in (error as? SluiceError)?.message.contains("more than 65536 bytes") == true }
        }
    }

    @Test func aRecordOverrunningItsBatchIsCorrupt() {
        var batch = Self.kafkaBatch([(nil, Array("abc".utf8), [])])
        // The record's length claims one byte more than the batch holds; the CRC is recomputed so only it is wrong.
        batch.setInteger(UInt8(0x14), at: RecordBatchHeader.size)
        batch.withUnsafeMutableReadableBytes { bytes in
            RecordBatchHeader(parsing: UnsafeRawBufferPointer(bytes))!.seal(bytes)
        }
        #expect {
            try batch.withUnsafeReadableBytes { _ = try RecordBatchReader.records(in: $0) }
        } throws: { error in (error as? SluiceError)?.code == .corruptMessage }
    }
}
