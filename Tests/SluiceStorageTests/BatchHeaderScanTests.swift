import Foundation
import SluiceWire
import Testing

@testable import SluiceStorage

/// `forEachBatchHeader(from:)`: the header-only scan the broker rebuilds producer state with.
@Suite struct BatchHeaderScanTests {
    /// Ten batches of three records over five segments, a sparse index entry every batch.
    private func makeLog(_ directory: String) throws -> PartitionLog {
        let batchBytes = makeBatch(first: 0, count: 3).readableBytes
        let log = try openLog(directory, LogConfig(segmentBytes: batchBytes * 2, indexIntervalBytes: 1))
        for index in 0..<10 { try append(log, makeBatch(first: index * 3, count: 3)) }
        #expect(log.segmentCount == 5)
        return log
    }

    private func baseOffsets(_ log: PartitionLog, from offset: Int64) throws -> [Int64] {
        var offsets: [Int64] = []
        let visited = try log.forEachBatchHeader(from: offset) { offsets.append($0.baseOffset) }
        #expect(visited == offsets.count)
        return offsets
    }

    @Test func scanVisitsEveryBatchFromTheOneHoldingTheOffsetAcrossSegments() throws {
        try withTemporaryDirectory { directory in
            let log = try makeLog(directory)
            #expect(try baseOffsets(log, from: 0) == stride(from: 0, to: 30, by: 3).map(Int64.init))
            #expect(try baseOffsets(log, from: 13) == [12, 15, 18, 21, 24, 27], "a straddling batch is included")
            #expect(try baseOffsets(log, from: 27) == [27])
            #expect(try baseOffsets(log, from: 29) == [27])
        }
    }

    @Test func scanAtOrPastTheLogEndVisitsNothing() throws {
        try withTemporaryDirectory { directory in
            let log = try makeLog(directory)
            #expect(try baseOffsets(log, from: 30) == [])
            #expect(try baseOffsets(log, from: 1_000) == [])
        }
    }

    @Test func scanBelowTheLogStartStartsAtTheLogStart() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 3).readableBytes
            let config = LogConfig(segmentBytes: batchBytes * 2, retentionBytes: Int64(batchBytes * 4))
            let log = try openLog(directory, config)
            for index in 0..<10 { try append(log, makeBatch(first: index * 3, count: 3)) }
            log.updateHighWatermark(log.logEndOffset)
            _ = try log.applyRetention(nowMs: 0)
            #expect(log.logStartOffset == 18)
            #expect(try baseOffsets(log, from: 0) == [18, 21, 24, 27])
        }
    }

    @Test func scanSeesTheHeadersAsStampedAndThrowsOnceClosed() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(first: 0, count: 2), epoch: 4)
            var headers: [RecordBatchHeader] = []
            try log.forEachBatchHeader(from: 0) { headers.append($0) }
            #expect(headers.map(\.partitionLeaderEpoch) == [4])
            #expect(headers.map(\.lastOffset) == [1])
            try log.close()
            #expect(throws: StorageError.self) { try log.forEachBatchHeader(from: 0) { _ in } }
        }
    }
}
