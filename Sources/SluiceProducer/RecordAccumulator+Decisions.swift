import SluiceObservability
import SluiceWire

// The accumulator's two Kafka rules as pure functions of plain facts: when a head batch may be sent
// (`RecordAccumulator.ready`) and what a partition's answer means for a sent batch (`Sender.completeBatch`).
// They read no state and change none: `RecordAccumulator.swift` gathers the facts under its lock and applies
// the outcome, and the tests exercise the rules with plain numbers.

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

/// What to do with a sent batch given its partition's answer — Kafka's `Sender.completeBatch` /
/// `canRetry` rules as a pure function, tested without a broker.
enum DeliveryDecision: Sendable, Hashable {
    /// Done: the records are in the log (a DUPLICATE_SEQUENCE_NUMBER answer means an earlier attempt was).
    case acknowledge
    /// Re-enqueue and send the same bytes again after `retry.backoff.ms`.
    case retry
    /// Failed for good. `breaksSequence`: the broker may or may not have the batch, so the partition's later
    /// sequences can no longer line up (the producer then resets its identity, see `AccumulatorState`).
    /// `rollsBackSequence`: the broker refused it outright and no later sequence exists, so the next batch
    /// can reuse its sequence.
    case fail(ProducerError, breaksSequence: Bool, rollsBackSequence: Bool)
    /// MESSAGE_TOO_LARGE for a batch of several records (the broker's or topic's `max.message.bytes` is
    /// below `batch.size`): split it in two and send both halves, with the same sequences between them
    /// (Kafka's `splitAndReenqueue`). A single record too large fails.
    case split

    /// The facts about the batch the rule reads.
    struct Batch: Sendable, Hashable {
        var baseSequence: Int32
        var recordCount: Int32
        var attempts: Int
        var openedNanos: Int64
    }

    /// Decides. `nextAcknowledgedSequence` and `nextSequence` are the partition's (idempotence);
    /// `retries` and `deliveryTimeoutMs` the producer's settings.
    static func decide(
        errorCode: ErrorCode, message: String, batch: Batch, nextAcknowledgedSequence: Int32, nextSequence: Int32,
        nowNanos: Int64, retries: Int, deliveryTimeoutMs: Int64
    ) -> DeliveryDecision {
        let sequenced = batch.baseSequence >= 0
        switch errorCode {
        case .none, .duplicateSequenceNumber:
            return .acknowledge
        case .messageTooLarge where batch.recordCount > 1:
            // The broker appended nothing of it, so the halves take its sequences; halving again until each
            // fits ends at single records at worst.
            if nowNanos - batch.openedNanos >= deliveryTimeoutMs * 1_000_000 {
                return .fail(
                    .deliveryTimeout(ms: deliveryTimeoutMs, lastError: lastError(errorCode, message)),
                    breaksSequence: sequenced, rollsBackSequence: false)
            }
            return .split
        case .outOfOrderSequenceNumber where sequenced && batch.baseSequence != nextAcknowledgedSequence:
            // An earlier batch of this partition is being retried: this one follows it once it lands.
            break
        case .outOfOrderSequenceNumber:
            let text =
                "sequence \(batch.baseSequence) is the next expected one but the broker refused it; "
                + "the producer takes a new producer id and restarts its sequences"
            return .fail(
                .broker(errorCode, message.isEmpty ? text : "\(message); \(text)"),
                breaksSequence: true, rollsBackSequence: false)
        default:
            guard errorCode.isRetriable else {
                let isLast = sequenced && wrappingAdd(batch.baseSequence, batch.recordCount) == nextSequence
                return .fail(
                    .broker(errorCode, message), breaksSequence: sequenced && !isLast, rollsBackSequence: isLast)
            }
        }
        if nowNanos - batch.openedNanos >= deliveryTimeoutMs * 1_000_000 {
            return .fail(
                .deliveryTimeout(ms: deliveryTimeoutMs, lastError: lastError(errorCode, message)),
                breaksSequence: sequenced, rollsBackSequence: false)
        }
        guard batch.attempts < retries else {
            // Out of retries. A refusal before the append (NOT_ENOUGH_REPLICAS, not the leader) wrote nothing:
            // the sequence rolls back as for a non-retriable error; after a timeout the broker may have it.
            guard refusedBeforeAppend(errorCode) else {
                return .fail(.broker(errorCode, message), breaksSequence: sequenced, rollsBackSequence: false)
            }
            let isLast = sequenced && wrappingAdd(batch.baseSequence, batch.recordCount) == nextSequence
            return .fail(.broker(errorCode, message), breaksSequence: sequenced && !isLast, rollsBackSequence: isLast)
        }
        return .retry
    }

    /// `CODE: message`, the broker's answer as a delivery timeout's last error.
    static func lastError(_ errorCode: ErrorCode, _ message: String) -> String {
        message.isEmpty ? errorCode.name : "\(errorCode.name): \(message)"
    }

    /// Retriable errors with which the broker refuses a batch before appending any of it (Kafka's leader checks
    /// and the acks=all ISR check); a timeout or a lost connection leaves the batch's fate unknown.
    static func refusedBeforeAppend(_ errorCode: ErrorCode) -> Bool {
        switch errorCode {
        case .notEnoughReplicas, .notLeaderOrFollower, .unknownTopicOrPartition, .leaderNotAvailable: true
        default: false
        }
    }

    /// `sequence + count` with Kafka's wrap to 0 after Int32.max.
    static func wrappingAdd(_ sequence: Int32, _ count: Int32) -> Int32 {
        let next = Int64(sequence) + Int64(count)
        return next > Int64(Int32.max) ? Int32(next - Int64(Int32.max) - 1) : Int32(next)
    }
}
