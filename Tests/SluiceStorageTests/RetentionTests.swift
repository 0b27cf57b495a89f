import Foundation
import SluiceWire
import Testing

@testable import SluiceStorage

@Suite struct RetentionTests {
    /// Five segments of two batches; batch i carries timestamps from 1_000 * (i + 1).
    private func makeLog(_ directory: String, _ config: LogConfig) throws -> (PartitionLog, batchBytes: Int) {
        let batchBytes = makeBatch(first: 0, count: 2).readableBytes
        var config = config
        config.segmentBytes = batchBytes * 2
        let log = try openLog(directory, config)
        for index in 0..<10 {
            try append(log, makeBatch(first: index * 2, count: 2, timestamp: 1_000 * Int64(index + 1)))
        }
        #expect(log.segmentCount == 5)
        return (log, batchBytes)
    }

    @Test func retentionByTimeDeletesSegmentsWhoseNewestBatchIsTooOld() throws {
        try withTemporaryDirectory { directory in
            let (log, _) = try makeLog(directory, LogConfig(retentionMs: 5_000))
            log.updateHighWatermark(log.logEndOffset)
            // Segment k's newest timestamp is 2_000k + 2_001; older than now - 5_000 = 5_500: k = 0, 1.
            let result = try log.applyRetention(nowMs: 10_500)
            #expect(result.segmentsDeletedByTime == 2)
            #expect(result.segmentsDeletedBySize == 0)
            #expect(result.previousLogStartOffset == 0)
            #expect(result.logStartOffset == 8)
            #expect(log.logStartOffset == 8)
            #expect(log.segmentCount == 3)
            #expect(!FileManager.default.fileExists(atPath: segmentPath(directory, base: 0)))
            #expect(!FileManager.default.fileExists(atPath: segmentPath(directory, base: 4, suffix: ".index")))
            #expect(throws: ReadError.offsetOutOfRange(offset: 7, logStartOffset: 8, logEndOffset: 20)) {
                try log.read(from: 7, maxBytes: 100, maxOffset: 20)
            }
            #expect(try records(try log.read(from: 8, maxBytes: 1 << 20, maxOffset: 20)).first?.offset == 8)
        }
    }

    @Test func retentionNeverDeletesTheActiveSegment() throws {
        try withTemporaryDirectory { directory in
            let (log, _) = try makeLog(directory, LogConfig(retentionMs: 0, retentionBytes: 0))
            log.updateHighWatermark(log.logEndOffset)
            let result = try log.applyRetention(nowMs: 1_000_000)
            #expect(result.segmentsDeleted == 4)
            #expect(log.segmentCount == 1)
            #expect(log.logStartOffset == 16)
            #expect(log.logEndOffset == 20)
            #expect(try log.applyRetention(nowMs: 2_000_000).segmentsDeleted == 0)
        }
    }

    @Test func retentionBySizeKeepsTheLogWithinTheLimit() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let (log, _) = try makeLog(directory, LogConfig(retentionMs: -1, retentionBytes: Int64(batchBytes * 5)))
            log.updateHighWatermark(log.logEndOffset)
            let result = try log.applyRetention(nowMs: 100_000_000)
            // 10 batches, limit 5: deleting whole two-batch segments leaves 6 (5 would need half a segment).
            #expect(result.segmentsDeletedBySize == 2)
            #expect(result.bytesDeleted == Int64(batchBytes * 4))
            #expect(log.sizeBytes == Int64(batchBytes * 6))
            #expect(log.logStartOffset == 8)
        }
    }

    @Test func retentionKeepsSegmentsAtOrAboveTheHighWatermark() throws {
        try withTemporaryDirectory { directory in
            let (log, _) = try makeLog(directory, LogConfig(retentionMs: 0))
            log.updateHighWatermark(5)
            let result = try log.applyRetention(nowMs: 1_000_000)
            // Only segment [0, 4) lies wholly below the HW.
            #expect(result.segmentsDeleted == 1)
            #expect(log.logStartOffset == 4)
        }
    }

    @Test func retentionMovesTheFirstLeaderEpochUpToTheNewLogStart() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let log = try openLog(directory, LogConfig(segmentBytes: batchBytes * 2, retentionMs: 0))
            for index in 0..<6 { try append(log, makeBatch(first: index * 2, count: 2), epoch: index < 3 ? 1 : 2) }
            log.updateHighWatermark(log.logEndOffset)
            _ = try log.applyRetention(nowMs: 1_000_000)
            #expect(log.logStartOffset == 8)
            #expect(log.leaderEpochCache.entries == [LeaderEpochEntry(epoch: 2, startOffset: 8)])
        }
    }

    @Test func aPassSplitsSegmentsAndBytesByReasonAndReportsOnlyWhenItDeleted() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let observer = RecordingObserver()
            // Segments of two batches (2 * batchBytes each); segment k's newest timestamp is 2_000k + 2_001.
            let log = try openLog(
                directory,
                LogConfig(segmentBytes: batchBytes * 2, retentionMs: 5_000, retentionBytes: Int64(batchBytes * 4)),
                observer: observer)
            for index in 0..<10 {
                try append(log, makeBatch(first: index * 2, count: 2, timestamp: 1_000 * Int64(index + 1)))
            }
            log.updateHighWatermark(log.logEndOffset)
            // Time condemns segments 0 and 1; size then condemns segment 2 (6 batches left, limit 4 = 2 segments).
            let result = try log.applyRetention(nowMs: 10_500)
            #expect(result.segmentsDeletedByTime == 2)
            #expect(result.segmentsDeletedBySize == 1)
            #expect(result.bytesDeletedByTime == Int64(batchBytes * 4))
            #expect(result.bytesDeletedBySize == Int64(batchBytes * 2))
            #expect(result.bytesDeleted == Int64(batchBytes * 6))
            #expect(result.logStartOffset == 12)
            #expect(observer.retentions == [result])
            #expect(try log.applyRetention(nowMs: 10_500).segmentsDeleted == 0)
            #expect(observer.retentions == [result], "a pass that deleted nothing is not reported")
        }
    }
}
