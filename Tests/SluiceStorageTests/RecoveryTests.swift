import Foundation
import NIOCore
import SluiceWire
import Testing

@testable import SluiceStorage

@Suite struct RecoveryTests {
    @Test func reopenAfterCloseKeepsOffsetsHighWatermarkAndEpochsWithoutAScan() throws {
        try withTemporaryDirectory { directory in
            let config = LogConfig(segmentBytes: 1_000, indexIntervalBytes: 200)
            let log = try openLog(directory, config)
            for index in 0..<20 { try append(log, makeBatch(first: index * 2, count: 2), epoch: index < 10 ? 3 : 7) }
            log.updateHighWatermark(33)
            try log.close()
            #expect(FileManager.default.fileExists(atPath: "\(directory)/orders-0/clean-shutdown"))
            let observer = RecordingObserver()
            let reopened = try openLog(directory, config, observer: observer)
            #expect(reopened.logEndOffset == 40)
            #expect(reopened.highWatermark == 33)
            #expect(reopened.logStartOffset == 0)
            #expect(
                reopened.leaderEpochCache.entries == [
                    .init(epoch: 3, startOffset: 0), .init(epoch: 7, startOffset: 20),
                ])
            #expect(reopened.endOffset(forLeaderEpoch: 3) == (3, 20))
            #expect(reopened.endOffset(forLeaderEpoch: 7) == (7, 40))
            #expect(reopened.recoveryReport.hadCleanShutdown)
            #expect(reopened.recoveryReport.segmentsScanned == 0)
            #expect(observer.reports == [reopened.recoveryReport])
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/orders-0/clean-shutdown"))
            try append(reopened, makeBatch(first: 40, count: 1), epoch: 7)
            let all = try records(try reopened.read(from: 0, maxBytes: 1 << 20, maxOffset: 41))
            #expect(all.first?.offset == 0)
            var offsets: [Int64] = []
            var next: Int64 = 0
            while next < 41 {
                let batch = try records(try reopened.read(from: next, maxBytes: 1 << 20, maxOffset: 41))
                offsets += batch.map(\.offset)
                next = (batch.last?.offset ?? next) + 1
            }
            #expect(offsets == Array(0..<41))
        }
    }

    @Test func checkpointFilesUseKafkasFormat() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(count: 4), epoch: 2)
            log.updateHighWatermark(3)
            try log.flush()
            let partitionDirectory = "\(directory)/orders-0"
            #expect(
                try String(contentsOfFile: "\(partitionDirectory)/high-watermark-checkpoint", encoding: .utf8)
                    == "0\n1\norders 0 3\n")
            #expect(
                try String(contentsOfFile: "\(partitionDirectory)/recovery-point-offset-checkpoint", encoding: .utf8)
                    == "0\n1\norders 0 4\n")
            #expect(
                try String(contentsOfFile: "\(partitionDirectory)/leader-epoch-checkpoint", encoding: .utf8)
                    == "0\n1\n2 0\n")
            #expect(log.recoveryPoint == 4)
        }
    }

    @Test func recoveryCutsATornTailAndReportsTheExactBytes() throws {
        try withTemporaryDirectory { directory in
            var sizes: [Int] = []
            do {
                let log = try openLog(directory)
                for index in 0..<3 { sizes.append(try append(log, makeBatch(first: index * 2, count: 2)).bytes) }
            }  // dropped without close: an unclean shutdown
            let path = segmentPath(directory, base: 0)
            let kept = sizes[0] + sizes[1]
            try cutFile(path, toBytes: kept + sizes[2] / 2)
            let observer = RecordingObserver()
            let log = try openLog(directory, observer: observer)
            let report = log.recoveryReport
            #expect(!report.hadCleanShutdown)
            #expect(report.segmentsScanned == 1)
            #expect(report.truncatedBytes == Int64(sizes[2] / 2))
            #expect(report.firstProblem?.contains("truncated batch") == true)
            #expect(observer.reports.first?.truncatedBytes == Int64(sizes[2] / 2))
            #expect(log.logEndOffset == 4)
            #expect(try fileSize(path) == kept)
            #expect(try records(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 4)).map(\.offset) == [0, 1, 2, 3])
            #expect(try append(log, makeBatch(first: 4, count: 1)).firstOffset == 4)
        }
    }

    @Test func recoveryCutsAtTheFirstCorruptBatchAndDeletesLaterSegments() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let config = LogConfig(segmentBytes: batchBytes * 4)
            do {
                let log = try openLog(directory, config)
                for index in 0..<10 { try append(log, makeBatch(first: index * 2, count: 2)) }
                #expect(log.segmentCount == 3)
                try log.flush()
            }
            // Corrupt the second batch of segment 0: everything from its start on goes.
            try flipByte(segmentPath(directory, base: 0), at: batchBytes + 40)
            // Unclean and no recovery point: every segment is scanned.
            try FileManager.default.removeItem(atPath: "\(directory)/orders-0/recovery-point-offset-checkpoint")
            let log = try openLog(directory, config)
            let report = log.recoveryReport
            #expect(report.segmentsScanned == 1)
            #expect(report.segmentsDeleted == 2)
            #expect(report.truncatedBytes == Int64(batchBytes * 9))
            #expect(report.firstProblem?.contains("CRC-32C mismatch") == true)
            #expect(log.logEndOffset == 2)
            #expect(log.segmentCount == 1)
            #expect(log.highWatermark == 0)
            #expect(!FileManager.default.fileExists(atPath: segmentPath(directory, base: 8)))
            #expect(try fileSize(segmentPath(directory, base: 0)) == batchBytes)
        }
    }

    @Test func recoveryStartsAtTheRecoveryPointSegment() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let config = LogConfig(segmentBytes: batchBytes * 4)
            do {
                let log = try openLog(directory, config)
                for index in 0..<10 { try append(log, makeBatch(first: index * 2, count: 2)) }
                try log.flush()
                try append(log, makeBatch(first: 20, count: 2))
            }
            // A flipped byte below the recovery point is not looked at (those segments were fsynced).
            try flipByte(segmentPath(directory, base: 0), at: batchBytes + 40)
            // The active segment's last batch is corrupt.
            try flipByte(segmentPath(directory, base: 16), at: batchBytes * 2 + 40)
            let log = try openLog(directory, config)
            #expect(log.recoveryReport.segmentsScanned == 1)
            #expect(log.recoveryReport.truncatedBytes == Int64(batchBytes))
            #expect(log.logEndOffset == 20)
            #expect(log.segmentCount == 3)
        }
    }

    @Test func recoveryDetectsABatchWhoseOffsetBreaksTheChain() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            do {
                let log = try openLog(directory)
                for index in 0..<3 { try append(log, makeBatch(first: index * 2, count: 2)) }
            }
            // The base offset lies outside the CRC's range: only the offset chain catches this.
            try flipByte(segmentPath(directory, base: 0), at: batchBytes * 2 + 7)
            let log = try openLog(directory)
            #expect(log.recoveryReport.truncatedBytes == Int64(batchBytes))
            #expect(log.recoveryReport.firstProblem?.contains("expected 4") == true)
            #expect(log.logEndOffset == 4)
        }
    }

    @Test func recoveryRebuildsLeaderEpochsFromBatchesWhenTheCheckpointIsMissing() throws {
        try withTemporaryDirectory { directory in
            do {
                let log = try openLog(directory)
                try append(log, makeBatch(first: 0, count: 2), epoch: 1)
                try append(log, makeBatch(first: 2, count: 2), epoch: 4)
            }
            try FileManager.default.removeItem(atPath: "\(directory)/orders-0/leader-epoch-checkpoint")
            let log = try openLog(directory)
            #expect(log.leaderEpochCache.entries == [.init(epoch: 1, startOffset: 0), .init(epoch: 4, startOffset: 2)])
        }
    }

    @Test func missingIndexAfterCleanShutdownIsRebuilt() throws {
        try withTemporaryDirectory { directory in
            let config = LogConfig(indexIntervalBytes: 100)
            do {
                let log = try openLog(directory, config)
                for index in 0..<30 { try append(log, makeBatch(first: index, count: 1)) }
                try log.close()
            }
            try FileManager.default.removeItem(atPath: segmentPath(directory, base: 0, suffix: ".index"))
            try FileManager.default.removeItem(atPath: segmentPath(directory, base: 0, suffix: ".timeindex"))
            let log = try openLog(directory, config)
            #expect(log.recoveryReport.segmentsScanned == 1)
            #expect(log.recoveryReport.truncatedBytes == 0)
            #expect(log.logEndOffset == 30)
            #expect(try fileSize(segmentPath(directory, base: 0, suffix: ".index")) > 0)
            #expect(headers(try log.read(from: 17, maxBytes: 1, maxOffset: 30)).first?.baseOffset == 17)
        }
    }

    @Test func highWatermarkFromCheckpointIsClampedToTheRecoveredLogEnd() throws {
        try withTemporaryDirectory { directory in
            var sizes: [Int] = []
            do {
                let log = try openLog(directory)
                for index in 0..<3 { sizes.append(try append(log, makeBatch(first: index * 2, count: 2)).bytes) }
                log.updateHighWatermark(6)
                try log.checkpointHighWatermark()
            }
            try cutFile(segmentPath(directory, base: 0), toBytes: sizes[0] + 10)
            let log = try openLog(directory)
            #expect(log.logEndOffset == 2)
            #expect(log.highWatermark == 2)
        }
    }
}
