import Foundation
import NIOCore
import SluiceWire
import Testing

@testable import SluiceStorage

@Suite struct ConcurrencyTests {
    @Test func concurrentAppendsAndReadsSeeOnlyWholeValidBatches() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-storage-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try openLog(
            path, LogConfig(segmentBytes: 16 * 1024, flushIntervalMessages: 50, indexIntervalBytes: 512))
        let writers = 4
        let batchesPerWriter = 150
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<batchesPerWriter {
                        try append(log, makeBatch(first: writer * 10_000 + index, count: index % 4 + 1))
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for round in 0..<300 {
                        let end = log.logEndOffset
                        guard end > 0 else { continue }
                        let from = Int64(round * 7) % end
                        let read = try log.read(from: from, maxBytes: 4096, maxOffset: end)
                        let batch = try records(read)
                        #expect(!batch.isEmpty)
                        #expect(batch.first!.offset <= from)
                        #expect(zip(batch, batch.dropFirst()).allSatisfy { $0.offset + 1 == $1.offset })
                    }
                }
            }
            try await group.waitForAll()
        }
        let expected = (0..<batchesPerWriter).reduce(0) { $0 + ($1 % 4 + 1) } * writers
        #expect(log.logEndOffset == Int64(expected))
        var next: Int64 = 0
        // Bound: each read returns at least one batch below the LEO.
        while next < log.logEndOffset {
            let batch = try records(try log.read(from: next, maxBytes: 1 << 20, maxOffset: log.logEndOffset))
            #expect(batch.first?.offset == next)
            next = batch.last!.offset + 1
        }
        try log.close()
        let reopened = try openLog(path, LogConfig(segmentBytes: 16 * 1024, indexIntervalBytes: 512))
        #expect(reopened.logEndOffset == Int64(expected))
    }

    @Test func cleanReopenRewritesNoCheckpoint() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory)
            try append(log, makeBatch(count: 3), epoch: 1)
            log.updateHighWatermark(3)
            try log.close()
            let names = ["high-watermark-checkpoint", "recovery-point-offset-checkpoint", "leader-epoch-checkpoint"]
            func inodes() throws -> [Int] {
                try names.map { name in
                    let attributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/orders-0/\(name)")
                    return (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1
                }
            }
            let before = try inodes()
            _ = try openLog(directory)
            #expect(try inodes() == before)
        }
    }
}
