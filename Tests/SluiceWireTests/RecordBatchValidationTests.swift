import NIOCore
import SluiceWire
import Testing

@Suite struct RecordBatchValidationTests {
    /// A valid 3-record batch as an array, ready to damage.
    static func validBatch() -> [UInt8] {
        var batch = Fixtures.batch(prefix: "validate", count: 3)
        return batch.readBytes(length: batch.readableBytes)!
    }

    /// Rewrites the header with `change` applied and a freshly computed CRC, so only the changed field is wrong.
    static func withHeader(_ bytes: [UInt8], _ change: (inout RecordBatchHeader) -> Void) -> [UInt8] {
        var bytes = bytes
        bytes.withUnsafeMutableBytes { raw in
            var header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(raw))!
            change(&header)
            header.write(to: raw)
            let end = min(raw.count, header.totalSize)
            let crcStart = RecordBatchHeader.crcRangeStart
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[crcStart..<max(crcStart, end)]))
            raw.storeBytes(of: crc.bigEndian, toByteOffset: 17, as: UInt32.self)
        }
        return bytes
    }

    static func problem(_ bytes: [UInt8], maxBatchBytes: Int = Int(Int32.max)) -> BatchProblem? {
        let result = bytes.withUnsafeBytes { RecordBatchHeader.validate($0, maxBatchBytes: maxBatchBytes) }
        if case .failure(let problem) = result { return problem }
        return nil
    }

    @Test func acceptsABuilderBatch() throws {
        let bytes = Self.validBatch()
        let header = try bytes.withUnsafeBytes { try RecordBatchHeader.validate($0).get() }
        #expect(header.totalSize == bytes.count)
        #expect(header.recordCount == 3)
    }

    @Test func truncatedHeaderIsReportedAsTruncated() {
        let bytes = Array(Self.validBatch().prefix(RecordBatchHeader.size - 1))
        #expect(Self.problem(bytes) == .truncated(available: 60, needed: 61))
        #expect(Self.problem([]) == .truncated(available: 0, needed: 61))
    }

    @Test func truncatedBodyIsReportedAsTruncated() {
        let whole = Self.validBatch()
        let bytes = Array(whole.dropLast())
        #expect(Self.problem(bytes) == .truncated(available: whole.count - 1, needed: whole.count))
    }

    @Test func lengthShorterThanTheHeaderIsABadLength() {
        let short = Self.withHeader(Self.validBatch()) { $0.batchLength = RecordBatchHeader.minimumBatchLength - 1 }
        #expect(Self.problem(short) == .badLength(RecordBatchHeader.minimumBatchLength - 1))
        let negative = Self.withHeader(Self.validBatch()) { $0.batchLength = -5 }
        #expect(Self.problem(negative) == .badLength(-5))
    }

    @Test func unknownMagicIsABadMagic() {
        for magic: UInt8 in [0, 3, 0xff] {
            var bytes = Self.validBatch()
            bytes[16] = magic  // before the CRC's range: the CRC still matches, the magic does not
            #expect(Self.problem(bytes) == .badMagic(magic))
        }
    }

    @Test func kafkasMagicTwoIsAStoredFormat() {
        var bytes = Self.validBatch()
        bytes[16] = RecordBatchHeader.kafkaMagicValue
        #expect(Self.problem(bytes) == nil)
    }

    @Test func flippedRecordByteIsACRCMismatch() {
        var bytes = Self.validBatch()
        bytes[bytes.count - 3] ^= 0x01
        guard case .crcMismatch(let stored, let computed) = Self.problem(bytes) else {
            Issue.record("expected a CRC mismatch, got \(String(describing: Self.problem(bytes)))")
            return
        }
        #expect(stored != computed)
    }

    @Test func flippedAttributesByteIsACRCMismatch() {
        var bytes = Self.validBatch()
        bytes[RecordBatchHeader.crcRangeStart] ^= 0x80  // first byte the CRC covers
        #expect(Self.problem(bytes).map { if case .crcMismatch = $0 { true } else { false } } == true)
    }

    @Test func batchAboveTheLimitIsTooLargeEvenWhenNotAllBytesArrived() {
        let bytes = Self.validBatch()
        #expect(
            Self.problem(bytes, maxBatchBytes: bytes.count - 1) == .tooLarge(size: bytes.count, limit: bytes.count - 1))
        #expect(Self.problem(bytes, maxBatchBytes: bytes.count) == nil)
        let huge = Self.withHeader(Array(bytes.prefix(RecordBatchHeader.size))) { $0.batchLength = Int32.max }
        #expect(Self.problem(huge, maxBatchBytes: 1 << 20) == .tooLarge(size: 12 + Int(Int32.max), limit: 1 << 20))
        #expect(BatchProblem.tooLarge(size: 2, limit: 1).errorCode == .messageTooLarge)
    }

    @Test func recordCountThatDisagreesWithLastOffsetDeltaIsABadRecordCount() {
        let mismatched = Self.withHeader(Self.validBatch()) { $0.recordCount = 4 }
        #expect(Self.problem(mismatched) == .badRecordCount(count: 4, lastOffsetDelta: 2))
        let zero = Self.withHeader(Self.validBatch()) {
            $0.recordCount = 0
            $0.lastOffsetDelta = -1
        }
        #expect(Self.problem(zero) == .badRecordCount(count: 0, lastOffsetDelta: -1))
        #expect(BatchProblem.badRecordCount(count: 0, lastOffsetDelta: -1).errorCode == .corruptMessage)
    }
}
