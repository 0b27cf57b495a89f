import NIOCore
import SluiceClient
import SluiceWire
import Testing

@testable import SluiceProducer

/// Records encoded straight into the batch buffer are byte for byte what `RecordBatchBuilder` (protobuf-c)
/// writes, and decode back with `RecordBatchReader`.
@Suite struct AccumulatorEncodingTests {
    struct Sample {
        var key: [UInt8]?
        var value: [UInt8]?
        var timestamp: Int64
        var headers: [RecordHeader] = []
    }

    static let samples: [Sample] = [
        Sample(key: nil, value: Array("plain".utf8), timestamp: 1_700_000_000_000),
        Sample(key: Array("k1".utf8), value: [], timestamp: 1_700_000_000_000),
        Sample(key: [], value: nil, timestamp: 1_700_000_000_005),
        Sample(key: nil, value: nil, timestamp: 1_699_999_999_000),
        // Headers: a repeated key, a null and an empty value, an empty key, a non-ASCII key.
        Sample(
            key: Array("h".utf8), value: Array("with headers".utf8), timestamp: 1_700_000_000_007,
            headers: [
                RecordHeader(key: "trace", value: Array("t-1".utf8)), RecordHeader(key: "trace", value: [1, 2]),
                RecordHeader(key: "null", value: nil), RecordHeader(key: "empty", value: []),
                RecordHeader(key: "", value: [9]), RecordHeader(key: "clé", value: Array(repeating: 3, count: 200)),
            ]),
        Sample(
            key: Array(repeating: 9, count: 300), value: Array(repeating: 7, count: 20_000),
            timestamp: 1_700_000_001_000),
    ]

    static func producerBatch(_ samples: [Sample], capacity: Int = 64 * 1_024) -> ProducerBatch {
        var batch = ProducerBatch(
            id: 1, topicPartition: TopicPartition(topic: "t", partition: 0),
            buffer: ByteBufferAllocator().buffer(capacity: capacity), allocatedBytes: capacity,
            writeLimitBytes: capacity, openedNanos: 0, firstTimestamp: samples[0].timestamp, expectedRecords: 8)
        for sample in samples {
            AccumulatorTestSupport.withOptionalBytes(sample.key) { key in
                AccumulatorTestSupport.withOptionalBytes(sample.value) { value in
                    let headersBytes = ProducerBatch.headersBytes(sample.headers)
                    #expect(
                        batch.nextRecordBytes(
                            key: key, value: value, headersBytes: headersBytes, timestamp: sample.timestamp)
                            <= ProducerBatch.maximumRecordBytes(
                                keyCount: key?.count, valueCount: value?.count, headersBytes: headersBytes))
                    batch.append(
                        key: key, value: value, headers: sample.headers, headersBytes: headersBytes,
                        timestamp: sample.timestamp, sendNanos: 0, storesCompletion: false, callback: nil)
                }
            }
        }
        return batch
    }

    @Test func encodingMatchesRecordBatchBuilderByteForByte() {
        var batch = Self.producerBatch(Self.samples)
        batch.finish(producerId: 42, producerEpoch: 3, baseSequence: 17)
        var builder = RecordBatchBuilder(firstTimestamp: Self.samples[0].timestamp)
        builder.producerId = 42
        builder.producerEpoch = 3
        builder.baseSequence = 17
        for sample in Self.samples {
            builder.append(key: sample.key, value: sample.value, headers: sample.headers, timestamp: sample.timestamp)
        }
        let expected = builder.finish()
        #expect(Array(batch.buffer.readableBytesView) == Array(expected.readableBytesView))
    }

    @Test func finishedBatchValidatesAndDecodesBack() throws {
        var batch = Self.producerBatch(Self.samples)
        batch.finish(producerId: -1, producerEpoch: -1, baseSequence: -1)
        let header = try batch.buffer.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
        #expect(header.recordCount == Int32(Self.samples.count))
        #expect(header.producerId == -1)
        let records = try AccumulatorTestSupport.records(of: batch)
        #expect(records.map(\.key) == Self.samples.map(\.key))
        #expect(records.map(\.value) == Self.samples.map(\.value))
        #expect(records.map(\.timestamp) == Self.samples.map(\.timestamp))
        #expect(records.map(\.headers) == Self.samples.map(\.headers))
        #expect(records.map(\.offset) == Array(0..<Int64(Self.samples.count)))
    }

    @Test func splitHalvesKeepEveryRecordsHeaders() throws {
        let batch = Self.producerBatch(Self.samples)
        var (first, second) = try #require(batch.split())
        first.finish(producerId: -1, producerEpoch: -1, baseSequence: -1)
        second.finish(producerId: -1, producerEpoch: -1, baseSequence: -1)
        let records = try AccumulatorTestSupport.records(of: first) + AccumulatorTestSupport.records(of: second)
        #expect(records.map(\.headers) == Self.samples.map(\.headers))
        #expect(records.map(\.value) == Self.samples.map(\.value))
    }

    @Test func appendsWriteIntoThePooledBufferWithoutReallocating() {
        let small = [Sample](
            repeating: Sample(key: nil, value: Array(repeating: 1, count: 100), timestamp: 5), count: 1)
        var batch = Self.producerBatch(small, capacity: 16_384)
        let address = batch.buffer.withVeryUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        var appended = 1
        let value = [UInt8](repeating: 2, count: 100)
        value.withUnsafeBytes { bytes in
            while batch.hasRoom(forRecordBytes: batch.nextRecordBytes(key: nil, value: bytes, timestamp: 6)) {
                batch.append(
                    key: nil, value: bytes, timestamp: 6, sendNanos: 1_000, storesCompletion: false, callback: nil)
                appended += 1
            }
        }
        #expect(appended > 100)
        #expect(batch.sizeBytes <= 16_384)
        #expect(batch.buffer.withVeryUnsafeBytes { UInt(bitPattern: $0.baseAddress) } == address)
        #expect(batch.completions.isEmpty, "fire-and-forget records keep no completion")
        #expect(batch.sendOffsetsMicros.count == appended)
    }

    @Test func accumulatorBatchesDecodeWithTheirRecordsInOrder() throws {
        let accumulator = AccumulatorTestSupport.accumulator(AccumulatorTestSupport.settings(batchSizeBytes: 4_096))
        for index in 0..<50 {
            AccumulatorTestSupport.append(
                accumulator, key: Array("k\(index)".utf8), value: Array("value-\(index)".utf8))
        }
        _ = accumulator.beginClose()
        var values: [String] = []
        while true {
            let drained = accumulator.drain(node: 1, nowNanos: 0, identity: nil)
            if drained.isEmpty { break }
            for batch in drained {
                values += try AccumulatorTestSupport.records(of: batch).map {
                    String(decoding: $0.value ?? [], as: UTF8.self)
                }
                _ = accumulator.resolve(batch, errorCode: .none, message: "", nowNanos: 0, retries: 1)
            }
        }
        #expect(values == (0..<50).map { "value-\($0)" })
    }
}
