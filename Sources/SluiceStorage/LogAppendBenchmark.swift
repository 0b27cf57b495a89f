import Glibc
import Logging
import NIOCore
import SluiceWire

/// `sluice perf append`: the leader append path alone — validation (CRC-32C), in-place stamping and
/// one pwrite per batch — into a fresh partition log with the default flush policy (the OS writes back).
public enum LogAppendBenchmark {
    /// Builds one batch of about `batchBytes` (1 KiB records) with `RecordBatchBuilder`, then appends it
    /// as leader until `totalBytes` are written, in a new directory under `directory` that is removed
    /// afterwards. Returns the seconds spent appending (the final close excluded) and the bytes appended.
    public static func run(directory: String, batchBytes: Int, totalBytes: Int) throws -> (seconds: Double, bytes: Int)
    {
        precondition(batchBytes >= RecordBatchHeader.size + 64, "batchBytes too small for one record")
        precondition(totalBytes >= 0, "totalBytes must not be negative")
        var batch = makeBatch(bytes: batchBytes)
        let runDirectory = "\(directory)/sluice-perf-append-\(getpid())-\(ContinuousClock.now.hashValue & 0xffff)"
        let log = try PartitionLog(
            directory: runDirectory, topic: "perf-append", partition: 0, observer: NoLogObserver(),
            logger: Logger(label: "sluice.perf.append", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { try? removeTree(runDirectory, log: log) }
        var written = 0
        let started = ContinuousClock.now
        // Bound: each pass appends one non-empty batch until totalBytes.
        while written < totalBytes {
            // The same buffer each time: stamping rewrites its header in place, so nothing is copied.
            written += try log.appendAsLeader(&batch, leaderEpoch: 0, nowMs: 0).bytes
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (seconds, written)
    }

    private static func makeBatch(bytes: Int) -> ByteBuffer {
        let value = [UInt8](repeating: 0x61, count: min(1024, bytes / 2))
        let recordBytes = RecordBatchBuilder.estimatedRecordSize(keyBytes: 0, valueBytes: value.count)
        var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000, capacityBytes: bytes)
        // Bound: stops before the batch would pass `bytes` (one record at least).
        repeat {
            builder.append(key: nil, value: value, timestamp: 1_700_000_000_000)
        } while builder.sizeBytes + recordBytes <= bytes
        return builder.finish()
    }

    private static func removeTree(_ path: String, log: PartitionLog) throws {
        try log.close()
        for name in try PartitionDirectory.list(path) { try PartitionDirectory.removeFile("\(path)/\(name)") }
        _ = rmdir(path)
    }
}
