/// Holds a producer to a target rate, as Kafka's `ThroughputThrottler` does: after `sent` records in
/// `elapsed`, it says how long to pause so the average stays at `recordsPerSecond`. Pure.
struct ThroughputThrottler {
    /// Target rate; 0 or less means unlimited (`--throughput -1`).
    let recordsPerSecond: Double
    /// Pauses shorter than this are skipped (they add up and are caught by a later, longer pause).
    static let pauseMin = Duration.milliseconds(1)

    /// The pause due before sending record number `sent` (0-based), or nil for none.
    func pause(sent: Int, elapsed: Duration) -> Duration? {
        guard recordsPerSecond > 0 else { return nil }
        let due = Duration.nanoseconds(Int64(Double(sent) / recordsPerSecond * 1e9))
        let ahead = due - elapsed
        return ahead >= Self.pauseMin ? ahead : nil
    }

    /// How many records from number `sent` (0-based) on are due by `elapsed` — record k is due at
    /// k / recordsPerSecond — at least 1 (the caller paused for the first) and at most `limit`; `limit` when
    /// unlimited.
    func dueCount(sent: Int, elapsed: Duration, limit: Int) -> Int {
        guard recordsPerSecond > 0 else { return limit }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let due = Int((seconds * recordsPerSecond).rounded(.down)) + 1 - sent
        return min(limit, max(1, due))
    }
}
