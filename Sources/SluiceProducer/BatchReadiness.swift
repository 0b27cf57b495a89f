import SluiceObservability

/// Kafka's readiness rule for the batch at the head of a partition's deque (`RecordAccumulator.ready`):
/// a pure function of the batch's facts, the time and the accumulator's pressure, so it is tested with
/// plain numbers and the sender's loop only does I/O.
///
/// The batch is sendable when it is full, when `linger.ms` has passed since it was opened, when `flush()`
/// or `close()` is in progress, or when a `send` waits for buffer memory — and it is not backing off
/// after a retriable error (`retry.backoff.ms` since its last attempt). Otherwise it says how long until
/// that could change, which bounds the sender's sleep.
enum BatchReadiness: Sendable, Hashable {
    /// Send it now; the reason is the first that applied in the order full, linger, flush, memory.
    case ready(BatchSendReason)
    /// Not yet: check again after `delayMs` (linger or backoff left).
    case waiting(delayMs: Int64)

    /// The facts about one head batch that the rule reads.
    struct Head: Sendable, Hashable {
        /// Monotonic ms when the batch was opened (its first append).
        var openedMs: Int64
        /// Re-enqueues after retriable errors so far.
        var attempts: Int
        /// Monotonic ms of the last re-enqueue (meaningful when `attempts > 0`).
        var lastAttemptMs: Int64
        /// Full, or more batches queue behind it (Kafka: `deque.size() > 1 || batch.isFull()`).
        var isFull: Bool
    }

    /// What the whole accumulator is doing.
    struct Pressure: Sendable, Hashable {
        /// `flush()` waits (Kafka's `flushInProgress`).
        var isFlushing = false
        /// `close()` drains (Kafka's `closed`).
        var isClosing = false
        /// A `send` waits for `buffer.memory` (Kafka's `exhausted`).
        var isMemoryExhausted = false
    }

    /// The rule. `lingerMs` is `linger.ms`, `retryBackoffMs` is `retry.backoff.ms`.
    static func evaluate(
        _ head: Head, nowMs: Int64, lingerMs: Int64, retryBackoffMs: Int64, pressure: Pressure
    ) -> BatchReadiness {
        let isBackingOff = head.attempts > 0 && nowMs - head.lastAttemptMs < retryBackoffMs
        if isBackingOff {
            return .waiting(delayMs: max(0, head.lastAttemptMs + retryBackoffMs - nowMs))
        }
        if head.isFull { return .ready(.full) }
        // A retried batch that finished backing off is sendable (Kafka: waited >= timeToWait).
        let sinceMs = head.attempts > 0 ? head.lastAttemptMs : head.openedMs
        let waitMs = head.attempts > 0 ? retryBackoffMs : lingerMs
        if nowMs - sinceMs >= waitMs { return .ready(.linger) }
        if pressure.isFlushing || pressure.isClosing { return .ready(.flush) }
        if pressure.isMemoryExhausted { return .ready(.memory) }
        return .waiting(delayMs: max(0, sinceMs + waitMs - nowMs))
    }
}
