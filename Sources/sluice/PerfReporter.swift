import SluiceClient

/// Receives acknowledgements for `perf produce` and prints Kafka's progress lines as they fall due.
///
/// A class, so the acknowledgement callback can update it while `InFlightWindow` is being mutated
/// (a closure over the producer's own struct would overlap access to it).
final class PerfReporter {
    private(set) var stats: PerfStats
    let recordSize: Int

    init(recordSize: Int, startedAt: ContinuousClock.Instant) {
        self.recordSize = recordSize
        self.stats = PerfStats(startedAt: startedAt)
    }

    /// Restarts the clock (after setup, right before the first record).
    func start(at instant: ContinuousClock.Instant) {
        stats = PerfStats(startedAt: instant)
    }

    /// Accounts one acknowledged batch; prints a window line every 5 s.
    func acknowledged(_ request: InFlightProduce, _ acknowledgement: ProduceAcknowledgement) throws {
        let line = stats.record(
            latency: acknowledgement.latency, records: request.recordCount, bytes: request.recordCount * recordSize,
            now: .now)
        if let line { try StandardOutput.print(line) }
    }

    /// Prints the final line.
    func finish() throws {
        try StandardOutput.print(stats.totalLine(now: .now))
    }
}
