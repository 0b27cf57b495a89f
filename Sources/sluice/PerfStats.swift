/// Throughput and latency accounting for `perf produce`, printed exactly as Kafka's
/// `ProducerPerformance` prints it: a window line every 5 s, and a final line with percentiles.
///
/// Latency is per record, in whole milliseconds: send call → completion, as Kafka measures it (the time in
/// the accumulator counts). Percentiles are exact over all records (Kafka samples at most 500,000).
/// Times are wall-clock milliseconds, as Kafka's `currentTimeMillis()`: the latency's start is the record's
/// timestamp, so one clock serves both, and each completion reads it once.
///
/// Bound: one counter per millisecond of latency up to `latencyMsMax` (later ones count there), grown as
/// latencies appear; no per-record storage.
struct PerfStats {
    /// How often a window line is due.
    static let reportingIntervalMs: Int64 = 5_000
    /// Latencies above this share its histogram slot (percentiles saturate; the max stays exact).
    static let latencyMsMax = 600_000

    let startedAtMs: Int64
    private(set) var count = 0
    private var bytes = 0
    private var totalLatencyMs = 0
    private var maxLatencyMs = 0
    private var windowStartedAtMs: Int64
    private var windowCount = 0
    private var windowBytes = 0
    private var windowTotalLatencyMs = 0
    private var windowMaxLatencyMs = 0
    /// `recordsByLatencyMs[l]` records took `l` ms.
    private var recordsByLatencyMs: [Int]

    init(startedAtMs: Int64) {
        self.startedAtMs = startedAtMs
        self.windowStartedAtMs = startedAtMs
        self.recordsByLatencyMs = Array(repeating: 0, count: 1_024)
    }

    /// Records `records` acknowledged records of `recordBytes` bytes together that each took `latencyMs`;
    /// returns the window line when one is due.
    mutating func record(latencyMs: Int, records: Int = 1, bytes recordBytes: Int, nowMs: Int64) -> String? {
        precondition(records > 0, "at least one record")
        precondition(latencyMs >= 0, "negative latency \(latencyMs) ms")
        count += records
        bytes += recordBytes
        totalLatencyMs += latencyMs * records
        maxLatencyMs = max(maxLatencyMs, latencyMs)
        windowCount += records
        windowBytes += recordBytes
        windowTotalLatencyMs += latencyMs * records
        windowMaxLatencyMs = max(windowMaxLatencyMs, latencyMs)
        let slot = min(latencyMs, Self.latencyMsMax)
        if slot >= recordsByLatencyMs.count {
            // Geometric growth (Array's capacity doubles): a few allocations per run, not one per record.
            recordsByLatencyMs.append(contentsOf: repeatElement(0, count: slot + 1 - recordsByLatencyMs.count))
        }
        recordsByLatencyMs[slot] += records
        guard nowMs - windowStartedAtMs >= Self.reportingIntervalMs else { return nil }
        let line = windowLine(nowMs: nowMs)
        windowStartedAtMs = nowMs
        (windowCount, windowBytes, windowTotalLatencyMs, windowMaxLatencyMs) = (0, 0, 0, 0)
        return line
    }

    /// `N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency.`
    func windowLine(nowMs: Int64) -> String {
        let elapsedMs = Self.milliseconds(from: windowStartedAtMs, to: nowMs)
        let perSecond = 1000.0 * Double(windowCount) / elapsedMs
        let megabytesPerSecond = 1000.0 * Double(windowBytes) / elapsedMs / (1024.0 * 1024.0)
        let averageMs = windowCount > 0 ? Double(windowTotalLatencyMs) / Double(windowCount) : 0
        return "\(windowCount) records sent, \(FixedPointFormat.format(perSecond, decimals: 1)) records/sec "
            + "(\(FixedPointFormat.format(megabytesPerSecond, decimals: 2)) MB/sec), "
            + "\(FixedPointFormat.format(averageMs, decimals: 1)) ms avg latency, "
            + "\(FixedPointFormat.format(Double(windowMaxLatencyMs), decimals: 1)) ms max latency."
    }

    /// Kafka's final line, with the 50th, 95th, 99th and 99.9th percentiles over records.
    func totalLine(nowMs: Int64) -> String {
        let elapsedMs = Self.milliseconds(from: startedAtMs, to: nowMs)
        let perSecond = 1000.0 * Double(count) / elapsedMs
        let megabytesPerSecond = 1000.0 * Double(bytes) / elapsedMs / (1024.0 * 1024.0)
        let averageMs = count > 0 ? Double(totalLatencyMs) / Double(count) : 0
        let percentiles = Self.percentiles(recordsByLatencyMs, of: [0.5, 0.95, 0.99, 0.999])
        return "\(count) records sent, \(FixedPointFormat.format(perSecond, decimals: 6)) records/sec "
            + "(\(FixedPointFormat.format(megabytesPerSecond, decimals: 2)) MB/sec), "
            + "\(FixedPointFormat.format(averageMs, decimals: 2)) ms avg latency, "
            + "\(FixedPointFormat.format(Double(maxLatencyMs), decimals: 2)) ms max latency, "
            + "\(percentiles[0]) ms 50th, \(percentiles[1]) ms 95th, "
            + "\(percentiles[2]) ms 99th, \(percentiles[3]) ms 99.9th."
    }

    /// Percentiles over records as Kafka computes them: the element at index `Int(p * count)` of the sorted
    /// latencies, here read off the per-millisecond counts. Pure.
    static func percentiles(_ recordsByLatencyMs: [Int], of fractions: [Double]) -> [Int] {
        let total = recordsByLatencyMs.reduce(0, +)
        guard total > 0 else { return fractions.map { _ in 0 } }
        return fractions.map { fraction in
            let index = min(Int(fraction * Double(total)), total - 1)
            var seen = 0
            for (latencyMs, records) in recordsByLatencyMs.enumerated() {
                seen += records
                if seen > index { return latencyMs }
            }
            preconditionFailure("index \(index) is below the record total \(total)")
        }
    }

    private static func milliseconds(from startMs: Int64, to endMs: Int64) -> Double {
        // At least 1 ms, so an instant run (or a wall clock stepped back) does not divide by zero.
        Double(max(1, endMs - startMs))
    }
}
