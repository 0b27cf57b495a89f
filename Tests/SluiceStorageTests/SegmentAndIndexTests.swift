import Foundation
import Glibc
import NIOCore
import SluiceWire
import Testing

@testable import SluiceStorage

@Suite struct SegmentAndIndexTests {
    @Test func segmentRollsBeforeAnAppendWouldPassSegmentBytes() throws {
        try withTemporaryDirectory { directory in
            let batchBytes = makeBatch(first: 0, count: 2).readableBytes
            let observer = RecordingObserver()
            let log = try openLog(directory, LogConfig(segmentBytes: batchBytes * 3), observer: observer)
            for index in 0..<7 { try append(log, makeBatch(first: index * 2, count: 2)) }
            // 3 batches fill a segment exactly; the 4th and 7th append roll.
            #expect(log.segmentCount == 3)
            #expect(observer.rolls == [6, 12])
            for base: Int64 in [0, 6, 12] {
                #expect(FileManager.default.fileExists(atPath: segmentPath(directory, base: base)))
                #expect(FileManager.default.fileExists(atPath: segmentPath(directory, base: base, suffix: ".index")))
                #expect(
                    FileManager.default.fileExists(atPath: segmentPath(directory, base: base, suffix: ".timeindex")))
            }
            #expect(FileManager.default.fileExists(atPath: "\(directory)/orders-0/00000000000000000006.log"))
            #expect(try fileSize(segmentPath(directory, base: 0)) == batchBytes * 3)
            #expect(try fileSize(segmentPath(directory, base: 12)) == batchBytes)
            #expect(log.sizeBytes == Int64(batchBytes * 7))
            // A roll fsyncs the old segment: the recovery point reaches the new segment's base.
            #expect(log.recoveryPoint == 12)
            let acrossSegments = try records(try log.read(from: 4, maxBytes: 1 << 20, maxOffset: 14))
            #expect(acrossSegments.map(\.offset) == [4, 5], "a read stays within one segment")
            #expect(try records(try log.read(from: 6, maxBytes: 1 << 20, maxOffset: 14)).first?.offset == 6)
        }
    }

    @Test func sparseIndexFindsEveryOffsetAmongManySmallBatches() throws {
        try withTemporaryDirectory { directory in
            let log = try openLog(directory, LogConfig(segmentBytes: 20_000, indexIntervalBytes: 300))
            var expectedBase: [Int64] = []
            var offset: Int64 = 0
            for index in 0..<400 {
                let count = index % 3 + 1
                try append(log, makeBatch(first: Int(offset), count: count))
                expectedBase += Array(repeating: offset, count: count)
                offset += Int64(count)
            }
            #expect(log.segmentCount > 1)
            let (entries, segments) = log.state.withLock { state in
                (state.segments.map { $0.offsetIndex.entries.count }, state.segments.count)
            }
            #expect(entries.allSatisfy { $0 > 10 }, "the index is sparse but present: \(entries)")
            #expect(segments == entries.count)
            for target in 0..<offset {
                let read = try log.read(from: target, maxBytes: 1, maxOffset: offset)
                let header = try #require(headers(read).first)
                #expect(header.baseOffset == expectedBase[Int(target)], "offset \(target)")
                #expect(headers(read).count == 1)
            }
            try log.close()
            // Indexes written on close load back and give the same answers.
            let reopened = try openLog(directory, LogConfig(segmentBytes: 20_000, indexIntervalBytes: 300))
            #expect(reopened.recoveryReport.segmentsScanned == 0)
            for target in stride(from: Int64(0), to: offset, by: 7) {
                let header = try #require(
                    headers(try reopened.read(from: target, maxBytes: 1, maxOffset: offset)).first)
                #expect(header.baseOffset == expectedBase[Int(target)])
            }
        }
    }

    @Test func offsetForTimestampFindsTheFirstRecordAtOrAfterIt() throws {
        try withTemporaryDirectory { directory in
            let config = LogConfig(segmentBytes: 2_000, indexIntervalBytes: 100)
            let log = try openLog(directory, config)
            // Batch i holds offsets 2i, 2i+1 with timestamps 10_000 + 100i (+1).
            for index in 0..<60 {
                try append(log, makeBatch(first: index * 2, count: 2, timestamp: 10_000 + Int64(index) * 100))
            }
            #expect(log.segmentCount > 2)
            // The record, not its batch: offset 1 (10_001) sits in the batch based at 0.
            #expect(log.offsetForTimestamp(0)! == (0, 10_000))
            #expect(log.offsetForTimestamp(10_001)! == (1, 10_001))
            #expect(log.offsetForTimestamp(10_002)! == (2, 10_100))
            #expect(log.offsetForTimestamp(12_550)! == (52, 12_600))
            #expect(log.offsetForTimestamp(15_901)! == (119, 15_901))
            #expect(log.offsetForTimestamp(15_902) == nil)
            try log.close()
            let reopened = try openLog(directory, config)
            #expect(reopened.offsetForTimestamp(12_550)! == (52, 12_600))
            #expect(reopened.offsetForTimestamp(15_901)! == (119, 15_901))
        }
    }

    @Test func indexLookupReturnsTheLastEntryAtOrBelowTheTarget() throws {
        try withTemporaryDirectory { directory in
            let file = try FileDescriptor.open("\(directory).index", flags: O_RDWR | O_CREAT)
            defer { unlink("\(directory).index") }
            var index = SparseIndex<OffsetIndexEntry>(file: file, maxEntries: 10)
            for (offset, position) in [(4, 100), (9, 250), (20, 900)] as [(UInt32, UInt32)] {
                index.append(OffsetIndexEntry(relativeOffset: offset, position: position))
            }
            #expect(index.lastIndex { $0.relativeOffset <= 3 } == nil)
            #expect(index.lastIndex { $0.relativeOffset <= 4 } == 0)
            #expect(index.lastIndex { $0.relativeOffset <= 19 } == 1)
            #expect(index.lastIndex { $0.relativeOffset <= 1_000 } == 2)
            try index.persist()
            var loaded = SparseIndex<OffsetIndexEntry>(file: file, maxEntries: 10)
            #expect(try loaded.load(logSizeBytes: 1_000))
            #expect(loaded.entries == index.entries)
            var tooShort = SparseIndex<OffsetIndexEntry>(file: file, maxEntries: 10)
            #expect(try tooShort.load(logSizeBytes: 900) == false, "an entry past the log's end is refused")
        }
    }
}
