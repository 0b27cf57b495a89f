import Foundation
import SluiceWire
import Testing

@testable import SluiceStorage

@Suite struct TruncationTests {
    @Test func truncateDropsBatchesFromTheOffsetOnAndClampsTheHighWatermark() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 3), epoch: 1)
            try append(log, makeBatch(first: 3, count: 3), epoch: 2)
            try append(log, makeBatch(first: 6, count: 3), epoch: 3)
            log.updateHighWatermark(8)
            #expect(try log.truncate(to: 6) == 3)
            #expect(log.logEndOffset == 6)
            #expect(log.highWatermark == 6)
            #expect(log.leaderEpochCache.entries == [.init(epoch: 1, startOffset: 0), .init(epoch: 2, startOffset: 3)])
            #expect(try records(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 6)).map(\.offset) == Array(0..<6))
            #expect(try log.truncate(to: 10) == 0)
        }
    }

    @Test func truncateInsideABatchDropsThatWholeBatch() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 3))
            try append(log, makeBatch(first: 3, count: 3))
            #expect(try log.truncate(to: 4) == 3)
            #expect(log.logEndOffset == 3)
            #expect(try fileSize(segmentPath(directory, base: 0)) == makeBatch(first: 0, count: 3).readableBytes)
        }
    }

    @Test func truncateAcrossSegmentsDeletesTheLaterOnesAndOffsetsAreReused() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let log = try openLog(directory, LogConfig(segmentBytes: batchBytes * 2, indexIntervalBytes: 0))
            for index in 0..<8 { try append(log, makeBatch(first: index * 2, count: 2), epoch: 1) }
            #expect(log.segmentCount == 4)
            #expect(try log.truncate(to: 6) == 10)
            #expect(log.segmentCount == 2)
            #expect(!FileManager.default.fileExists(atPath: segmentPath(directory, base: 8)))
            #expect(log.sizeBytes == Int64(batchBytes * 3))
            let info = try append(log, makeBatch(first: 100, count: 2), epoch: 2)
            #expect(info.firstOffset == 6)
            #expect(
                try records(try log.read(from: 6, maxBytes: 1 << 20, maxOffset: 8)).map(\.value) == [
                    value(100), value(101),
                ])
            try log.close()
            let reopened = try openLog(directory, LogConfig(segmentBytes: batchBytes * 2, indexIntervalBytes: 0))
            #expect(reopened.logEndOffset == 8)
            #expect(
                reopened.leaderEpochCache.entries == [.init(epoch: 1, startOffset: 0), .init(epoch: 2, startOffset: 6)])
        }
    }

    @Test func truncateBelowTheLogStartRestartsAnEmptyLogThere() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 4))
            #expect(try log.truncateFully(startingAt: 50) == 4)
            #expect(log.logStartOffset == 50)
            #expect(log.logEndOffset == 50)
            #expect(log.highWatermark == 50)
            #expect(FileManager.default.fileExists(atPath: segmentPath(directory, base: 50)))
            #expect(!FileManager.default.fileExists(atPath: segmentPath(directory, base: 0)))
            #expect(try append(log, makeBatch(count: 1)).firstOffset == 50)
            #expect(try log.truncate(to: 10) == 1)
            #expect(log.logStartOffset == 10)
        }
    }

    @Test func truncationReportsTheSegmentsAndBytesItDeleted() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let observer = RecordingObserver()
            let log = try openLog(directory, LogConfig(segmentBytes: batchBytes * 2), observer: observer)
            for index in 0..<8 { try append(log, makeBatch(first: index * 2, count: 2), epoch: 1) }
            #expect(log.segmentCount == 4)
            #expect(try log.truncate(to: 16) == 0)
            #expect(observer.truncations.isEmpty)
            // Offset 6 is in segment [4, 8): the two later segments go whole, the cut one stays.
            #expect(try log.truncate(to: 6) == 10)
            #expect(observer.truncations == [
                TruncationResult(
                    segmentsDeleted: 2, bytesDeleted: Int64(batchBytes * 4), offsetsDropped: 10, logEndOffset: 6,
                    logStartOffset: 0)
            ])
            #expect(try log.truncateFully(startingAt: 40) == 6)
            #expect(observer.truncations.last?.segmentsDeleted == 2)
            #expect(observer.truncations.last?.logStartOffset == 40)
        }
    }
}
