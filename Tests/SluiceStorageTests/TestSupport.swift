import Foundation
import Logging
import NIOCore
import SluiceWire
import Testing

@testable import SluiceStorage

/// Runs `body` with a fresh directory under the temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-storage-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

let quietLogger = Logger(label: "sluice.storage.tests", factory: { _ in SwiftLogNoOpLogHandler() })

func openLog(_ directory: String, _ config: LogConfig = LogConfig(), observer: any LogObserver = NoLogObserver()) throws
    -> PartitionLog
{
    try PartitionLog(
        directory: "\(directory)/orders-0", topic: "orders", partition: 0, config: config, observer: observer,
        logger: quietLogger)
}

/// A batch of `count` records with values `value-<n>` for n from `first`, timestamps from `timestamp` up by one.
func makeBatch(first: Int = 0, count: Int = 1, valuePadding: Int = 0, timestamp: Int64 = 1_000) -> ByteBuffer {
    var builder = RecordBatchBuilder(firstTimestamp: timestamp, capacityBytes: 256 + count * (valuePadding + 64))
    for index in 0..<count {
        builder.append(
            key: key(first + index), value: value(first + index, padding: valuePadding),
            timestamp: timestamp + Int64(index))
    }
    return builder.finish()
}

/// `value-000042`: fixed width, so batches of equal record counts have equal sizes.
func value(_ number: Int, padding: Int = 0) -> [UInt8] {
    Array("value-\(fixedWidth(number))".utf8) + [UInt8](repeating: 0x2e, count: padding)
}

func key(_ number: Int) -> [UInt8] { Array("key-\(fixedWidth(number))".utf8) }

private func fixedWidth(_ number: Int) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}

/// Several batches back to back in one buffer, as a producer sends them.
func concatenate(_ batches: [ByteBuffer]) -> ByteBuffer {
    var all = ByteBuffer()
    for var batch in batches { all.writeBuffer(&batch) }
    return all
}

/// Appends as leader (epoch 0 unless given); fails the test on error.
@discardableResult
func append(_ log: PartitionLog, _ batch: ByteBuffer, epoch: Int32 = 0, nowMs: Int64 = 0) throws -> AppendInfo {
    var batch = batch
    return try log.appendAsLeader(&batch, leaderEpoch: epoch, nowMs: nowMs)
}

func records(_ buffer: ByteBuffer) throws -> [Record] {
    try buffer.withUnsafeReadableBytes { (bytes) throws(SluiceError) in try RecordBatchReader.records(in: bytes).records
    }
}

func headers(_ buffer: ByteBuffer) -> [RecordBatchHeader] {
    buffer.withUnsafeReadableBytes { bytes in
        var result: [RecordBatchHeader] = []
        var position = 0
        while let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) {
            result.append(header)
            position += header.totalSize
        }
        return result
    }
}

func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
}

func segmentPath(_ directory: String, base: Int64, suffix: String = ".log") -> String {
    let digits = String(base)
    return "\(directory)/orders-0/" + String(repeating: "0", count: 20 - digits.count) + digits + suffix
}

/// XORs one byte of a file.
func flipByte(_ path: String, at position: Int) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(position))
    let old = try #require(try handle.read(upToCount: 1))
    try handle.seek(toOffset: UInt64(position))
    try handle.write(contentsOf: Data([old[0] ^ 0xff]))
}

func cutFile(_ path: String, toBytes size: Int) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    defer { try? handle.close() }
    try handle.truncate(atOffset: UInt64(size))
}

/// Collects observer callbacks.
final class RecordingObserver: LogObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var _flushes: [Double] = []
    private var _reports: [LogRecoveryReport] = []
    private var _rolls: [Int64] = []
    private var _retentions: [RetentionResult] = []
    private var _truncations: [TruncationResult] = []

    var flushes: [Double] { lock.withLock { _flushes } }
    var reports: [LogRecoveryReport] { lock.withLock { _reports } }
    var rolls: [Int64] { lock.withLock { _rolls } }
    var retentions: [RetentionResult] { lock.withLock { _retentions } }
    var truncations: [TruncationResult] { lock.withLock { _truncations } }

    func flushed(seconds: Double) { lock.withLock { _flushes.append(seconds) } }
    func recovered(_ report: LogRecoveryReport) { lock.withLock { _reports.append(report) } }
    func rolled(baseOffset: Int64) { lock.withLock { _rolls.append(baseOffset) } }
    func retained(_ result: RetentionResult) { lock.withLock { _retentions.append(result) } }
    func truncated(_ result: TruncationResult) { lock.withLock { _truncations.append(result) } }
}
