import Foundation
import Testing

@testable import SluiceStorage

@Suite struct FlushTests {
    @Test func defaultPolicyNeverFlushesOnAppend() throws {
        try withTemporaryDirectory { directory in
            let observer = RecordingObserver()
            let log = try openLog(directory, observer: observer)
            for index in 0..<50 { try append(log, makeBatch(first: index, count: 1), nowMs: Int64(index) * 1_000_000) }
            #expect(observer.flushes.isEmpty)
            #expect(log.recoveryPoint == 0)
            #expect(try !log.flushIfDue(nowMs: 1_000_000_000))
        }
    }

    @Test func flushAdvancesTheRecoveryPointAndReportsItsDuration() throws {
        try withTemporaryDirectory { directory in
            let observer = RecordingObserver()
            let log = try openLog(directory, observer: observer)
            try append(log, makeBatch(count: 3))
            try log.flush()
            #expect(log.recoveryPoint == 3)
            #expect(observer.flushes.count == 1)
            #expect(observer.flushes.allSatisfy { $0 >= 0 })
        }
    }

    @Test func flushIntervalMessagesFlushesOnTheAppendThatReachesIt() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory, LogConfig(flushIntervalMessages: 5))
            try append(log, makeBatch(first: 0, count: 3))
            #expect(log.recoveryPoint == 0)
            try append(log, makeBatch(first: 3, count: 2))
            #expect(log.recoveryPoint == 5)
            try append(log, makeBatch(first: 5, count: 4))
            #expect(log.recoveryPoint == 5)
        }
    }

    @Test func flushIntervalMsFlushesOnAppendOrTimerOnceElapsed() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory, LogConfig(flushIntervalMs: 1_000))
            try append(log, makeBatch(first: 0, count: 1), nowMs: 10_000)
            try append(log, makeBatch(first: 1, count: 1), nowMs: 10_500)
            #expect(log.recoveryPoint == 0)
            try append(log, makeBatch(first: 2, count: 1), nowMs: 11_000)
            #expect(log.recoveryPoint == 3)
            try append(log, makeBatch(first: 3, count: 1), nowMs: 11_200)
            #expect(try !log.flushIfDue(nowMs: 11_900))
            #expect(try log.flushIfDue(nowMs: 12_000))
            #expect(log.recoveryPoint == 4)
            #expect(try !log.flushIfDue(nowMs: 20_000), "nothing left to flush")
        }
    }

    @Test func highWatermarkOnlyMovesUp() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(count: 5))
            #expect(log.updateHighWatermark(3))
            #expect(!log.updateHighWatermark(2))
            #expect(log.highWatermark == 3)
            #expect(log.updateHighWatermark(5))
            #expect(log.highWatermark == 5)
            #expect(log.logEndOffset == 5)
        }
    }

    @Test func appendBenchmarkWritesTheRequestedBytes() throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let result = try LogAppendBenchmark.run(directory: directory, batchBytes: 64 * 1024, totalBytes: 4 << 20)
            #expect(result.bytes >= 4 << 20)
            #expect(result.bytes < (4 << 20) + 64 * 1024)
            #expect(result.seconds > 0)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "the run's directory is removed"
            )
        }
    }
}
