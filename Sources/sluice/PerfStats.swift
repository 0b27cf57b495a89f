/// Throughput and latency accounting for `perf produce`, printed exactly as Kafka's
/// `ProducerPerformance` prints it: a window line every 5 s, and a final line with percentiles.
///
/// Latency is per batch (request written → answer) and counts once per record of the batch.
/// Bound: one (latency, records) sample per batch.
struct PerfStats {
    /// How often a window line is due.
    static let reportingInterval = Duration.seconds(5)

    let startedAt: ContinuousClock.Instant
    private(set) var count = 0
    private var bytes = 0
    private var totalLatencyMs = 0
    private var maxLatencyMs = 0
    private var windowStartedAt: ContinuousClock.Instant
    private var windowCount = 0
    private var windowBytes = 0
    private var windowTotalLatencyMs = 0
    private var windowMaxLatencyMs = 0
    private var samples: [(latencyMs: Int32, records: Int32)] = []

    init(startedAt: ContinuousClock.Instant) {
        self.startedAt = startedAt
        self.windowStartedAt = startedAt
    }

    /// Records one acknowledged batch; returns the window line when one is due.
    mutating func record(latency: Duration, records: Int, bytes recordBytes: Int, now: ContinuousClock.Instant)
        -> String?
    {
        precondition(records > 0, "a batch has records")
        // Whole milliseconds, as Kafka's `(int) (now - start)` with currentTimeMillis.
        let latencyMs = Int(latency / .milliseconds(1))
        count += records
        bytes += recordBytes
        totalLatencyMs += latencyMs * records
        maxLatencyMs = max(maxLatencyMs, latencyMs)
        windowCount += records
        windowBytes += recordBytes
        windowTotalLatencyMs += latencyMs * records
        windowMaxLatencyMs = max(windowMaxLatencyMs, latencyMs)
        samples.append((Int32(clamping: latencyMs), Int32(records)))
        guard now - windowStartedAt >= Self.reportingInterval else { return nil }
        let line = windowLine(now: now)
        windowStartedAt = now
        (windowCount, windowBytes, windowTotalLatencyMs, windowMaxLatencyMs) = (0, 0, 0, 0)
        return line
    }

    /// `N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency.`
    func windowLine(now: ContinuousClock.Instant) -> String {
        let elapsedMs = Self.milliseconds(now - windowStartedAt)
        let perSecond = 1000.0 * Double(windowCount) / elapsedMs
        let megabytesPerSecond = 1000.0 * Double(windowBytes) / elapsedMs / (1024.0 * 1024.0)
        let averageMs = windowCount > 0 ? Double(windowTotalLatencyMs) / Double(windowCount) : 0
        return "\(windowCount) records sent, \(FixedPointFormat.format(perSecond, decimals: 1)) records/sec "
            + "(\(FixedPointFormat.format(megabytesPerSecond, decimals: 2)) MB/sec), "
            + "\(FixedPointFormat.format(averageMs, decimals: 1)) ms avg latency, "
            + "\(FixedPointFormat.format(Double(windowMaxLatencyMs), decimals: 1)) ms max latency."
    }

    /// Kafka's final line, with the 50th, 95th, 99th and 99.9th percentiles over records.
    func totalLine(now: ContinuousClock.Instant) -> String {
        let elapsedMs = Self.milliseconds(now - startedAt)
        let perSecond = 1000.0 * Double(count) / elapsedMs
        let megabytesPerSecond = 1000.0 * Double(bytes) / elapsedMs / (1024.0 * 1024.0)
        let averageMs = count > 0 ? Double(totalLatencyMs) / Double(count) : 0
        let percentiles = Self.percentiles(samples, of: [0.5, 0.95, 0.99, 0.999])
        return "\(count) records sent, \(FixedPointFormat.format(perSecond, decimals: 6)) records/sec "
            + "(\(FixedPointFormat.format(megabytesPerSecond, decimals: 2)) MB/sec), "
            + "\(FixedPointFormat.format(averageMs, decimals: 2)) ms avg latency, "
            + "\(FixedPointFormat.format(Double(maxLatencyMs), decimals: 2)) ms max latency, "
            + "\(percentiles[0]) ms 50th, \(percentiles[1]) ms 95th, "
            + "\(percentiles[2]) ms 99th, \(percentiles[3]) ms 99.9th."
    }

    /// Percentiles over records as Kafka computes them: sort, then take the element at index
    /// `Int(p * count)`; here each sample stands for `records` equal elements. Pure.
    static func percentiles(_ samples: [(latencyMs: Int32, records: Int32)], of fractions: [Double]) -> [Int] {
        let total = samples.reduce(0) { $0 + Int($1.records) }
        guard total > 0 else { return fractions.map { _ in 0 } }
        let sorted = samples.sorted { $0.latencyMs < $1.latencyMs }
        return fractions.map { fraction in
            let index = min(Int(fraction * Double(total)), total - 1)
            var seen = 0
            for sample in sorted {
                seen += Int(sample.records)
                if seen > index { return Int(sample.latencyMs) }
            }
            preconditionFailure("index \(index) is below the record total \(total)")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        // At least 1 ms, so an instant run does not divide by zero.
        max(1, Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }
}
