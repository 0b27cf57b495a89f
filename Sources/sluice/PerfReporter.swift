import SluiceProducer
import Synchronization

/// Receives the completions of `perf produce`'s records and prints Kafka's progress lines as they fall
/// due (from the producer's sender task, as Kafka's callback prints from its I/O thread).
///
/// Latency per record is `now − record timestamp` in wall-clock milliseconds: `ProducerPerformance` leaves
/// the timestamp unset, so the producer stamps each record (CreateTime) with the wall clock as it appends it
/// and reports it back in `RecordMetadata.timestamp` (Kafka's `PerfCallback` measures from
/// `currentTimeMillis()` before `send`, a hair earlier). So every record shares one completion closure (`completion`) that captures only this
/// object: no closure context is allocated per record.
///
/// One lock acquisition per completed record (uncontended: only the sender task completes records).
final class PerfReporter: Sendable {
    let recordSize: Int
    private let stats: Mutex<PerfStats>
    /// The first failed record (a failed record is not counted, as in Kafka).
    let failure = FirstSendFailure()

    init(recordSize: Int, startedAtMs: Int64) {
        precondition(recordSize > 0, "records have at least one byte")
        self.recordSize = recordSize
        self.stats = Mutex(PerfStats(startedAtMs: startedAtMs))
    }

    /// Restarts the clock (after setup, right before the first record).
    func start(atMs startedAtMs: Int64) {
        stats.withLock { $0 = PerfStats(startedAtMs: startedAtMs) }
    }

    /// Accounts one record's fate; prints a window line every 5 s.
    func completed(_ result: Result<RecordMetadata, ProducerError>) {
        switch result {
        case .success(let metadata):
            let nowMs = WallClock.nowMs()
            let latencyMs = Int(max(0, nowMs - metadata.timestamp))
            let line = stats.withLock { $0.record(latencyMs: latencyMs, bytes: recordSize, nowMs: nowMs) }
            // A failed progress write must not stop the measurement; the final line's write reports it.
            if let line { try? StandardOutput.print(line) }
        case .failure(let error):
            failure.record(error)
        }
    }

    /// Prints the final line.
    func finish() throws {
        let nowMs = WallClock.nowMs()
        let line = stats.withLock { $0.totalLine(nowMs: nowMs) }
        try StandardOutput.print(line)
    }
}
