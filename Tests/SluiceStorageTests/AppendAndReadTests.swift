import Glibc
import NIOCore
import SluiceWire
import Testing

@testable import SluiceStorage

@Suite struct AppendAndReadTests {
    @Test func appendedRecordsReadBackUnchanged() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            let info = try append(log, makeBatch(first: 0, count: 3))
            #expect(info.firstOffset == 0)
            #expect(info.lastOffset == 2)
            #expect(info.recordCount == 3)
            #expect(info.batchCount == 1)
            #expect(info.maxTimestamp == 1_002)
            #expect(info.logAppendTimeMs == -1)
            #expect(info.bytes == makeBatch(first: 0, count: 3).readableBytes)
            let read = try records(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: log.logEndOffset))
            #expect(read.map(\.offset) == [0, 1, 2])
            #expect(read.map(\.value) == [value(0), value(1), value(2)])
            #expect(read.map(\.key) == [key(0), key(1), key(2)])
        }
    }

    @Test func offsetsStayDenseAcrossAppendsAndBatches() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 2))
            let multi = try append(log, concatenate([makeBatch(first: 2, count: 3), makeBatch(first: 5, count: 1)]))
            try append(log, makeBatch(first: 6, count: 4))
            #expect(multi.firstOffset == 2)
            #expect(multi.lastOffset == 5)
            #expect(multi.batchCount == 2)
            #expect(log.logEndOffset == 10)
            let read = try records(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 10))
            #expect(read.map(\.offset) == Array(0..<10))
            #expect(read.map(\.value) == (0..<10).map { value($0) })
        }
    }

    @Test func leaderStampsOffsetsAndEpochInPlaceKeepingTheCRCValid() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(count: 5), epoch: 3)
            var batch = makeBatch(count: 2)
            _ = try log.appendAsLeader(&batch, leaderEpoch: 3, nowMs: 0)
            let stamped = try #require(headers(batch).first)
            #expect(stamped.baseOffset == 5)
            #expect(stamped.partitionLeaderEpoch == 3)
            let stored = headers(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 7))
            #expect(stored.map(\.baseOffset) == [0, 5])
            #expect(stored.map(\.partitionLeaderEpoch) == [3, 3])
            batch.withUnsafeReadableBytes { bytes in
                #expect((try? RecordBatchHeader.validate(bytes).get()) != nil)
            }
        }
    }

    @Test func readFromMiddleOffsetStartsAtTheContainingBatch() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            for index in 0..<4 { try append(log, makeBatch(first: index * 3, count: 3)) }
            let read = try log.read(from: 7, maxBytes: 1 << 20, maxOffset: 12)
            #expect(headers(read).map(\.baseOffset) == [6, 9])
            #expect(try records(read).first?.offset == 6)
        }
    }

    @Test func readStopsBeforeBatchesReachingMaxOffset() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            for index in 0..<4 { try append(log, makeBatch(first: index * 3, count: 3)) }
            #expect(headers(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 6)).map(\.baseOffset) == [0, 3])
            // A batch straddling maxOffset stays out: records at or above the HW are never exposed.
            #expect(headers(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 7)).map(\.baseOffset) == [0, 3])
            #expect(try log.read(from: 6, maxBytes: 1 << 20, maxOffset: 7).readableBytes == 0)
            #expect(try log.read(from: 6, maxBytes: 1 << 20, maxOffset: 6).readableBytes == 0)
        }
    }

    @Test func firstBatchComesWholeEvenAboveMaxBytesAndLaterOnesMustFit() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            let size = makeBatch(first: 0, count: 2).readableBytes
            for index in 0..<3 { try append(log, makeBatch(first: index * 2, count: 2)) }
            #expect(headers(try log.read(from: 0, maxBytes: 1, maxOffset: 6)).map(\.baseOffset) == [0])
            #expect(try log.read(from: 0, maxBytes: 0, maxOffset: 6).readableBytes == size)
            #expect(headers(try log.read(from: 0, maxBytes: 2 * size, maxOffset: 6)).count == 2)
            #expect(headers(try log.read(from: 0, maxBytes: 2 * size + 1, maxOffset: 6)).count == 2)
            #expect(headers(try log.read(from: 2, maxBytes: 3 * size, maxOffset: 6)).map(\.baseOffset) == [2, 4])
        }
    }

    @Test func readAtLogEndIsEmptyAndBeyondIsOutOfRange() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            #expect(try log.read(from: 0, maxBytes: 100, maxOffset: 0).readableBytes == 0)
            try append(log, makeBatch(count: 2))
            #expect(try log.read(from: 2, maxBytes: 100, maxOffset: 2).readableBytes == 0)
            let error = #expect(throws: ReadError.self) { try log.read(from: 3, maxBytes: 100, maxOffset: 3) }
            #expect(error == .offsetOutOfRange(offset: 3, logStartOffset: 0, logEndOffset: 2))
            #expect(error?.errorCode == .offsetOutOfRange)
            #expect(throws: ReadError.self) { try log.read(from: -1, maxBytes: 100, maxOffset: 3) }
        }
    }

    @Test func oneCorruptBatchInAMultiBatchAppendWritesNothing() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 1))
            let sizeBefore = log.sizeBytes
            var bad = makeBatch(first: 2, count: 2)
            bad.setInteger(bad.getInteger(at: 70, as: UInt8.self)! ^ 0x01, at: 70)  // inside the CRC's range
            let good = makeBatch(first: 1, count: 1)
            var batches = concatenate([good, bad, makeBatch(first: 4, count: 1)])
            let error = #expect(throws: AppendError.self) { try log.appendAsLeader(&batches, leaderEpoch: 0, nowMs: 0) }
            guard case .invalidBatch(let index, let position, .crcMismatch) = error else {
                Issue.record("expected a CRC mismatch, got \(String(describing: error))")
                return
            }
            #expect(index == 1)
            #expect(position == good.readableBytes)
            #expect(error?.errorCode == .corruptMessage)
            #expect(log.logEndOffset == 1)
            #expect(log.sizeBytes == sizeBefore)
            #expect(try fileSize(segmentPath(directory, base: 0)) == Int(sizeBefore))
        }
    }

    @Test func truncatedOrGarbageInputIsCorruptMessage() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            var empty = ByteBuffer()
            #expect(throws: AppendError.self) { try log.appendAsLeader(&empty, leaderEpoch: 0, nowMs: 0) }
            var cut = makeBatch(count: 3)
            cut.moveWriterIndex(to: cut.writerIndex - 1)
            let error = #expect(throws: AppendError.self) { try log.appendAsLeader(&cut, leaderEpoch: 0, nowMs: 0) }
            #expect(error?.errorCode == .corruptMessage)
            var garbage = ByteBuffer(bytes: [UInt8](repeating: 0xab, count: 200))
            #expect(throws: AppendError.self) { try log.appendAsLeader(&garbage, leaderEpoch: 0, nowMs: 0) }
            #expect(log.logEndOffset == 0)
            #expect(log.sizeBytes == 0)
        }
    }

    @Test func batchAboveMessageMaxBytesIsRejectedAsTooLarge() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory, LogConfig(maxMessageBytes: 500))
            var large = makeBatch(count: 2, valuePadding: 400)
            let error = #expect(throws: AppendError.self) { try log.appendAsLeader(&large, leaderEpoch: 0, nowMs: 0) }
            #expect(error?.errorCode == .messageTooLarge)
            #expect(log.logEndOffset == 0)
            try append(log, makeBatch(count: 2))
            #expect(log.logEndOffset == 2)
        }
    }

    /// log.message.timestamp.before.max.ms / after.max.ms: a batch whose first or largest timestamp lies outside
    /// the window around the leader's clock is INVALID_TIMESTAMP, and nothing of the request is written.
    @Test func timestampsOutsideTheWindowAroundTheClockAreInvalid() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory, LogConfig(timestampBeforeMaxMs: 1_000, timestampAfterMaxMs: 500))
            let nowMs: Int64 = 1_700_000_000_000
            for timestamp in [nowMs - 1_001, nowMs + 501] {
                var batch = makeBatch(count: 2, timestamp: timestamp)
                let error = #expect(throws: AppendError.self) { try log.appendAsLeader(&batch, leaderEpoch: 0, nowMs: nowMs) }
                #expect(error?.errorCode == .invalidTimestamp, "\(timestamp)")
                #expect("\(error.map { "\($0)" } ?? "")".contains("timestamp \(timestamp) is out of range"))
            }
            // A good batch then a bad one in one request: neither is written.
            var mixed = concatenate([
                makeBatch(first: 0, count: 1, timestamp: nowMs), makeBatch(first: 1, count: 1, timestamp: nowMs + 10_000),
            ])
            #expect(throws: AppendError.self) { try log.appendAsLeader(&mixed, leaderEpoch: 0, nowMs: nowMs) }
            #expect(log.logEndOffset == 0)
            for timestamp in [nowMs - 1_000, nowMs + 500, -1] {
                var batch = makeBatch(count: 1, timestamp: timestamp)
                _ = try log.appendAsLeader(&batch, leaderEpoch: 0, nowMs: nowMs)
            }
            #expect(log.logEndOffset == 3, "the edges of the window and NO_TIMESTAMP pass")
            // Unbounded (the default): any timestamp.
            #expect(PartitionLog.timestampWindow(LogConfig(), nowMs: nowMs) == nil)
            #expect(PartitionLog.timestampWindow(LogConfig(timestampAfterMaxMs: .max - 1), nowMs: nowMs)?.upperBound == .max,
                    "a bound past Int64 saturates")
        }
    }

    @Test func batchesLargerThanASegmentAreRejected() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory, LogConfig(segmentBytes: 300))
            var batches = concatenate([
                makeBatch(first: 0, count: 2, valuePadding: 100), makeBatch(first: 2, count: 2, valuePadding: 100),
            ])
            let error = #expect(throws: AppendError.self) { try log.appendAsLeader(&batches, leaderEpoch: 0, nowMs: 0) }
            #expect(error?.errorCode == .recordListTooLarge)
            #expect(log.logEndOffset == 0)
        }
    }

    @Test func appendWithAnOlderLeaderEpochIsFenced() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(count: 1), epoch: 5)
            var batch = makeBatch(count: 1)
            let error = #expect(throws: AppendError.self) { try log.appendAsLeader(&batch, leaderEpoch: 4, nowMs: 0) }
            #expect(error == .fencedLeaderEpoch(requested: 4, latest: 5))
            #expect(error?.errorCode == .fencedLeaderEpoch)
            #expect(log.logEndOffset == 1)
        }
    }

    @Test func followerAppendKeepsTheLeadersOffsetsAndEpochs() throws {
        try withTemporaryDirectory { directory in
            let leader = try openLog("\(directory)/leader")
            try append(leader, makeBatch(first: 0, count: 2), epoch: 1)
            try append(leader, makeBatch(first: 2, count: 3), epoch: 2)
            let fetched = try leader.read(from: 0, maxBytes: 1 << 20, maxOffset: leader.logEndOffset)
            let follower = try openLog("\(directory)/follower")
            let info = try follower.appendAsFollower(fetched)
            #expect(info.firstOffset == 0)
            #expect(info.lastOffset == 4)
            #expect(follower.logEndOffset == 5)
            #expect(
                follower.leaderEpochCache.entries == [.init(epoch: 1, startOffset: 0), .init(epoch: 2, startOffset: 2)])
            let copied = try follower.read(from: 0, maxBytes: 1 << 20, maxOffset: 5)
            #expect(copied == fetched)
        }
    }

    @Test func followerAppendThatDoesNotStartAtLogEndIsRejected() throws {
        try withTemporaryDirectory { directory in
            let leader = try openLog("\(directory)/leader")
            try append(leader, makeBatch(first: 0, count: 2))
            try append(leader, makeBatch(first: 2, count: 2))
            let tail = try leader.read(from: 2, maxBytes: 1 << 20, maxOffset: 4)
            let follower = try openLog("\(directory)/follower")
            let error = #expect(throws: AppendError.self) { try follower.appendAsFollower(tail) }
            #expect(error == .unexpectedOffset(expected: 0, actual: 2))
            #expect(follower.logEndOffset == 0)
        }
    }

    @Test func failedWriteIsCutBackAndTheLogStaysUsable() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 2))
            let sizeBefore = try fileSize(segmentPath(directory, base: 0))
            log.injectWriteFault(errorNumber: ENOSPC, bytesBeforeFailure: 30)
            var batch = makeBatch(first: 2, count: 2)
            let error = #expect(throws: AppendError.self) { try log.appendAsLeader(&batch, leaderEpoch: 0, nowMs: 0) }
            #expect(error?.errorCode == .kafkaStorageError)
            #expect(error?.description.contains("No space left on device") == true)
            #expect(try fileSize(segmentPath(directory, base: 0)) == sizeBefore)
            #expect(log.logEndOffset == 2)
            try append(log, makeBatch(first: 2, count: 2))
            #expect(
                try records(try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 4)).map(\.value)
                    == (0..<4).map { value($0) })
            try log.close()
            let reopened = try openLog(directory)
            #expect(reopened.logEndOffset == 4)
        }
    }

    @Test func closedLogRefusesAppendsAndReads() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(count: 1))
            try log.close()
            try log.close()
            var batch = makeBatch(count: 1)
            #expect(throws: AppendError.logClosed) { try log.appendAsLeader(&batch, leaderEpoch: 0, nowMs: 0) }
            #expect(throws: ReadError.logClosed) { try log.read(from: 0, maxBytes: 10, maxOffset: 1) }
            #expect(log.logEndOffset == 1)
        }
    }
}
