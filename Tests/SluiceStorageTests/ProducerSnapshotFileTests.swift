import Foundation
import NIOCore
import SluiceWire
import Testing

@testable import SluiceStorage

/// Producer-state snapshot files and the split validate-then-append path the broker's idempotence uses.
@Suite struct ProducerSnapshotFileTests {
    @Test func snapshotsAreWrittenListedReadAndDeletedByOffset() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            #expect(try log.producerSnapshotOffsets() == [])
            try log.writeProducerSnapshot([1, 2, 3], offset: 42)
            try log.writeProducerSnapshot([9], offset: 7)
            try log.writeProducerSnapshot([4, 5], offset: 42)
            #expect(FileManager.default.fileExists(atPath: segmentPath(directory, base: 42, suffix: ".snapshot")))
            #expect(!FileManager.default.fileExists(atPath: segmentPath(directory, base: 42, suffix: ".snapshot.tmp")))
            #expect(try log.producerSnapshotOffsets() == [7, 42])
            #expect(try log.readProducerSnapshot(offset: 42) == [4, 5])
            #expect(try log.readProducerSnapshot(offset: 8) == nil)
            try log.deleteProducerSnapshot(offset: 7)
            try log.deleteProducerSnapshot(offset: 7)
            #expect(try log.producerSnapshotOffsets() == [42])
        }
    }

    @Test func snapshotFilesSurviveReopenAndALeftoverTemporaryFileIsRemoved() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 3))
            try log.writeProducerSnapshot([1], offset: 3)
            try log.close()
            let leftover = segmentPath(directory, base: 9, suffix: ".snapshot.tmp")
            #expect(FileManager.default.createFile(atPath: leftover, contents: Data([1, 2])))
            let reopened = try openLog(directory)
            #expect(reopened.logEndOffset == 3)
            #expect(reopened.segmentCount == 1)
            #expect(try reopened.producerSnapshotOffsets() == [3])
            #expect(!FileManager.default.fileExists(atPath: leftover))
        }
    }

    @Test func validatedAppendWritesWhatTheOneStepAppendWould() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            var builder = RecordBatchBuilder(firstTimestamp: 1_000)
            builder.producerId = 5
            builder.producerEpoch = 0
            builder.baseSequence = 0
            builder.append(key: nil as [UInt8]?, value: [1], timestamp: 1_000)
            var batches = concatenate([makeBatch(first: 0, count: 2), builder.finish()])
            let validated = try log.validateForAppend(batches, nowMs: 0)
            #expect(validated.batchCount == 2)
            #expect(validated.recordCount == 3)
            #expect(validated.producerBatchCount == 1)
            #expect(validated.totalBytes == batches.readableBytes)
            #expect(log.logEndOffset == 0, "validation writes nothing")
            let info = try log.appendAsLeader(&batches, validated: validated, leaderEpoch: 2, nowMs: 0)
            #expect(info.firstOffset == 0)
            #expect(info.lastOffset == 2)
            #expect(headers(batches).map(\.baseOffset) == [0, 2], "stamped in place")
            #expect(try records(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 3)).map(\.offset) == [0, 1, 2])
        }
    }

    @Test func validationRefusesACorruptBatchBeforeAnythingIsWritten() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            var batch = makeBatch(first: 0, count: 2)
            batch.withUnsafeMutableReadableBytes { $0[$0.count - 1] ^= 0xff }
            #expect(throws: AppendError.self) { try log.validateForAppend(batch, nowMs: 0) }
            #expect(log.logEndOffset == 0)
        }
    }

    @Test func activeSegmentBaseOffsetMovesWhenTheLogRolls() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let log = try openLog(directory, LogConfig(segmentBytes: batchBytes))
            try append(log, makeBatch(first: 0, count: 2))
            #expect(log.activeSegmentBaseOffset == 0)
            try append(log, makeBatch(first: 2, count: 2))
            #expect(log.activeSegmentBaseOffset == 2)
        }
    }
}
