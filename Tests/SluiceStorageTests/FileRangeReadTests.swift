import Foundation
import NIOCore
import SluiceWire
import Testing

@testable import SluiceStorage

/// `readFileRange` names exactly the bytes `read` copies, and its range stays readable after retention
/// deletes the segment under it.
@Suite struct FileRangeReadTests {
    /// Batches of 1 to 5 records with values padded 0 to 600 bytes, an index entry every 256 bytes, segments of
    /// about 8 KiB: index jumps, segment ends and the first-batch rule all come into play.
    private func makeLog(_ directory: String, _ config: LogConfig = LogConfig()) throws -> PartitionLog {
        var config = config
        config.segmentBytes = 8 * 1024
        config.indexIntervalBytes = 256
        let log = try openLog(directory, config)
        var random = SystemRandomNumberGenerator()
        var next = 0
        for index in 0..<120 {
            let count = index % 5 + 1
            try append(log, makeBatch(first: next, count: count, valuePadding: Int.random(in: 0...600, using: &random)))
            next += count
        }
        return log
    }

    private func bytes(_ range: FileRange?) throws -> [UInt8] {
        guard let range else { return [] }
        return Array(try range.readBytes().readableBytesView)
    }

    @Test func aRangeHoldsTheBytesReadWouldReturnUnderEveryLimit() throws {
        try withTemporaryDirectory { directory in
            let log = try makeLog(directory)
            #expect(log.segmentCount > 3)
            let end = log.logEndOffset
            log.updateHighWatermark(end - 7)
            var compared = 0
            for offset in stride(from: Int64(0), to: end, by: 3) {
                for maxBytes in [1, 100, 700, 2_000, 5_000, 1 << 20] {
                    for maxOffset in [log.highWatermark, end, offset + 2] {
                        let copied = try log.read(from: offset, maxBytes: maxBytes, maxOffset: maxOffset)
                        let range = try log.readFileRange(from: offset, maxBytes: maxBytes, maxOffset: maxOffset)
                        #expect(
                            try bytes(range) == Array(copied.readableBytesView),
                            "offset \(offset) maxBytes \(maxBytes) maxOffset \(maxOffset)")
                        compared += 1
                    }
                }
            }
            #expect(compared > 500)
        }
    }

    @Test func theLogEndOffsetAndOffsetsOutsideTheLogBehaveAsRead() throws {
        try withTemporaryDirectory { directory in
            let log = try makeLog(directory)
            let end = log.logEndOffset
            #expect(try log.readFileRange(from: end, maxBytes: 1 << 20, maxOffset: end) == nil)
            #expect(try log.readFileRange(from: 0, maxBytes: 1 << 20, maxOffset: 0) == nil)
            #expect(throws: ReadError.offsetOutOfRange(offset: end + 1, logStartOffset: 0, logEndOffset: end)) {
                try log.readFileRange(from: end + 1, maxBytes: 100, maxOffset: end)
            }
        }
    }

    @Test func aRangeStaysReadableAfterRetentionDeletesItsSegment() throws {
        try withTemporaryDirectory { directory in
            let log = try makeLog(directory, LogConfig(retentionMs: -1, retentionBytes: 0))
            log.updateHighWatermark(log.logEndOffset)
            let expected = Array(try log.read(from: 0, maxBytes: 4_000, maxOffset: log.logEndOffset).readableBytesView)
            let range = try #require(try log.readFileRange(from: 0, maxBytes: 4_000, maxOffset: log.logEndOffset))
            #expect(try log.applyRetention(nowMs: 0).segmentsDeleted > 0)
            #expect(!FileManager.default.fileExists(atPath: segmentPath(directory, base: 0)))
            #expect(try bytes(range) == expected)
            #expect(try records(try range.readBytes()).first?.offset == 0)
        }
    }

    @Test func aRangeOfAClosedLogIsRefusedAndAnOpenRangeOutlivesTheClose() throws {
        try withTemporaryDirectory { directory in
            let log = try makeLog(directory)
            log.updateHighWatermark(log.logEndOffset)
            let range = try #require(try log.readFileRange(from: 5, maxBytes: 2_000, maxOffset: log.logEndOffset))
            let expected = try bytes(range)
            try log.close()
            #expect(throws: ReadError.logClosed) { try log.readFileRange(from: 5, maxBytes: 2_000, maxOffset: 100) }
            #expect(try bytes(range) == expected)
        }
    }
}
