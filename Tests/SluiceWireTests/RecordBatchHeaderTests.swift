import NIOCore
import SluiceWire
import Testing

@Suite struct RecordBatchHeaderTests {
    static let everyFieldSet = RecordBatchHeader(
        baseOffset: -2, batchLength: 0x0102_0304, partitionLeaderEpoch: -7, magic: 0xAB, crc: 0xDEAD_BEEF,
        attributes: -32_768, lastOffsetDelta: -1, firstTimestamp: Int64.min, maxTimestamp: Int64.max,
        producerId: -1, producerEpoch: Int16.min, baseSequence: Int32.min, recordCount: Int32.max)

    @Test func writeThenParseRoundTripsEveryFieldIncludingNegatives() throws {
        var bytes = [UInt8](repeating: 0, count: RecordBatchHeader.size)
        bytes.withUnsafeMutableBytes { Self.everyFieldSet.write(to: $0) }
        let parsed = try #require(bytes.withUnsafeBytes { RecordBatchHeader(parsing: $0) })
        #expect(parsed == Self.everyFieldSet)
    }

    @Test func writesBigEndianAtKafkaV2Offsets() {
        var bytes = [UInt8](repeating: 0, count: RecordBatchHeader.size)
        let header = RecordBatchHeader(
            baseOffset: 0x0102_0304_0506_0708, batchLength: 0x0A0B_0C0D, recordCount: 0x1122_3344)
        bytes.withUnsafeMutableBytes { header.write(to: $0) }
        #expect(Array(bytes[0..<8]) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(Array(bytes[8..<12]) == [0x0A, 0x0B, 0x0C, 0x0D])
        #expect(bytes[16] == RecordBatchHeader.magicValue)
        #expect(Array(bytes[57..<61]) == [0x11, 0x22, 0x33, 0x44])
    }

    @Test func parsingFewerThanSixtyOneBytesGivesNil() {
        let bytes = [UInt8](repeating: 0, count: RecordBatchHeader.size - 1)
        #expect(bytes.withUnsafeBytes { RecordBatchHeader(parsing: $0) } == nil)
    }

    @Test func derivedOffsetsAndSizeFollowTheFields() {
        let header = RecordBatchHeader(baseOffset: 100, batchLength: 200, lastOffsetDelta: 9, recordCount: 10)
        #expect(header.totalSize == 212)
        #expect(header.lastOffset == 109)
        #expect(header.nextOffset == 110)
    }

    @Test func stampingBaseOffsetAndLeaderEpochLeavesTheCRCValid() throws {
        var batch = Fixtures.batch(prefix: "stamp", count: 4)
        let crcBefore = try #require(batch.getInteger(at: 17, as: UInt32.self))
        batch.withUnsafeMutableReadableBytes { RecordBatchHeader.stamp(baseOffset: 1_000, leaderEpoch: 7, into: $0) }
        let header = try batch.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
        #expect(header.baseOffset == 1_000)
        #expect(header.partitionLeaderEpoch == 7)
        #expect(header.crc == crcBefore)
        #expect(header.lastOffset == 1_003)
    }
}
