/// The result of `RecordAccumulator.ready`: which leader nodes have sendable batches, how long the sender
/// may sleep before something else becomes sendable, and which topics lack a leader (refresh metadata).
struct ReadyCheck: Sendable, Hashable {
    /// Node ids with at least one sendable, drainable batch.
    var readyNodes: Set<Int32> = []
    /// Earliest linger, backoff or delivery-timeout deadline among batches not ready; nil when none waits.
    var nextCheckDelayMs: Int64?
    /// Topics with queued batches whose partition has no known leader.
    var unknownLeaderTopics: Set<String> = []
    /// The idempotent sequences broke: the sender drains nothing until it has a new producer id.
    var identityResetRequested = false

    /// Lowers `nextCheckDelayMs` to `delayMs` when that is earlier.
    mutating func checkAgain(afterMs delayMs: Int64) {
        nextCheckDelayMs = min(nextCheckDelayMs ?? delayMs, max(0, delayMs))
    }
}
