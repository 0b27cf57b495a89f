import NIOCore
import SluiceWire
import Testing

@Suite struct RecordBatchRoundTripTests {
    /// A typed nil: a bare `nil` is ambiguous between the builder's `[UInt8]?` and pointer overloads.
    static let null: [UInt8]? = nil

    @Test func builderThenReaderKeepsNullVersusEmptyKeysAndValues() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 1_000)
        builder.append(key: Self.null, value: [1, 2, 3], timestamp: 1_000)
        builder.append(key: [], value: [], timestamp: 1_001)
        builder.append(key: [9], value: Self.null, timestamp: 1_002)
        builder.append(key: Self.null, value: Self.null, timestamp: 1_003)
        let batch = builder.finish()
        let (records, nextOffset) = try batch.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0) }
        #expect(records.map(\.key) == [nil, [], [9], nil])
        #expect(records.map(\.value) == [[1, 2, 3], [], nil, nil])
        #expect(records.map(\.offset) == [0, 1, 2, 3])
        #expect(nextOffset == 4)
    }

    @Test func timestampsSurviveIncludingOnesBeforeTheFirst() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 5_000)
        let timestamps: [Int64] = [5_000, 4_000, 9_999_999, 5_000, -1]
        for timestamp in timestamps { builder.append(key: Self.null, value: [0], timestamp: timestamp) }
        let batch = builder.finish()
        let header = try batch.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
        #expect(header.firstTimestamp == 5_000)
        #expect(header.maxTimestamp == 9_999_999)
        let records = try batch.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0).records }
        #expect(records.map(\.timestamp) == timestamps)
    }

    @Test func offsetsFollowTheStampedBaseOffset() throws {
        var batch = Fixtures.batch(prefix: "offsets", count: 5)
        batch.withUnsafeMutableReadableBytes { RecordBatchHeader.stamp(baseOffset: 500, leaderEpoch: 3, into: $0) }
        let (records, nextOffset) = try batch.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0) }
        #expect(records.map(\.offset) == [500, 501, 502, 503, 504])
        #expect(records.first?.key == Array("offsets-key-0".utf8))
        #expect(records.last?.value == Array("offsets-value-4".utf8))
        #expect(nextOffset == 505)
    }

    @Test func headerCarriesProducerFieldsAndCounts() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 10)
        builder.producerId = 77
        builder.producerEpoch = 3
        builder.baseSequence = 42
        builder.append(key: [1], value: [2], timestamp: 10)
        builder.append(key: [3], value: [4], timestamp: 11)
        #expect(builder.recordCount == 2)
        let batch = builder.finish()
        let header = try batch.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
        #expect(header.producerId == 77)
        #expect(header.producerEpoch == 3)
        #expect(header.baseSequence == 42)
        #expect(header.recordCount == 2)
        #expect(header.lastOffsetDelta == 1)
        #expect(header.totalSize == batch.readableBytes)
        #expect(header.partitionLeaderEpoch == -1)
    }

    @Test func readerWalksConsecutiveBatchesAndSkipsAPartialTail() throws {
        var first = Fixtures.batch(prefix: "one", count: 2)
        first.withUnsafeMutableReadableBytes { RecordBatchHeader.stamp(baseOffset: 0, leaderEpoch: 0, into: $0) }
        var second = Fixtures.batch(prefix: "two", count: 3)
        second.withUnsafeMutableReadableBytes { RecordBatchHeader.stamp(baseOffset: 2, leaderEpoch: 0, into: $0) }
        var third = Fixtures.batch(prefix: "three", count: 1)
        var joined = ByteBuffer()
        joined.writeBuffer(&first)
        joined.writeBuffer(&second)
        joined.writeBytes(third.readBytes(length: third.readableBytes - 1)!)  // cut at a fetch limit
        let (records, nextOffset) = try joined.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0) }
        #expect(records.map(\.offset) == [0, 1, 2, 3, 4])
        #expect(nextOffset == 5)
    }

    @Test func readerThrowsCorruptMessageForAFlippedRecordByte() {
        var batch = Fixtures.batch(prefix: "flip", count: 3)
        let index = batch.readableBytes - 2
        batch.setInteger(batch.getInteger(at: index, as: UInt8.self)! ^ 0x40, at: index)
        #expect {
            _ = try batch.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0) }
        } throws: { error in
            (error as? SluiceError)?.code == .corruptMessage
        }
    }
}

/// `forEachRecord` visits in place exactly what `records(in:)` decodes.
@Suite struct RecordViewTests {
    @Test func visitsTheRecordsTheDecoderReturns() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000, capacityBytes: 256)
        builder.append(key: nil, value: Array("tombstone-key-less".utf8), timestamp: 1_700_000_000_005)
        builder.append(key: [], value: nil, timestamp: 1_699_999_999_999)
        builder.append(key: Array("k".utf8), value: [UInt8](repeating: 7, count: 3000), timestamp: 1_700_000_000_001)
        var batches = builder.finish()
        var more = Fixtures.twoBatches(prefix: "m")
        batches.writeBuffer(&more)
        let expected = try batches.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0) }
        var seen: [Record] = []
        let next = try batches.withUnsafeReadableBytes { bytes in
            try RecordBatchReader.forEachRecord(in: bytes) { view in
                seen.append(
                    Record(offset: view.offset, timestamp: view.timestamp, key: view.key.map(Array.init),
                        value: view.value.map(Array.init)))
            }
        }
        #expect(seen == expected.records)
        #expect(next == expected.nextOffset)
    }

    @Test func aCorruptRecordIsRefused() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 0, capacityBytes: 64)
        builder.append(key: nil, value: [1, 2, 3], timestamp: 0)
        var batch = builder.finish()
        // The record's first byte after its length varint: a tag with wire type 7 (none such); then re-seal the CRC.
        batch.setInteger(UInt8(0x0F), at: RecordBatchHeader.size + 1)
        batch.withUnsafeMutableReadableBytes { bytes in
            let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(bytes))!
            header.seal(bytes)
        }
        #expect(throws: SluiceError.self) {
            try batch.withUnsafeReadableBytes { bytes in try RecordBatchReader.forEachRecord(in: bytes) { _ in } }
        }
        #expect(throws: SluiceError.self) {
            try batch.withUnsafeReadableBytes { bytes in try RecordBatchReader.records(in: bytes) }
        }
    }
}
