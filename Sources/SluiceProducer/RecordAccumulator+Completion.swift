import SluiceClient
import SluiceWire

extension RecordAccumulator {
    /// Applies a partition's answer to a batch the sender had in flight, under the lock: the pure
    /// `DeliveryDecision` with the partition's sequence state, then the bookkeeping (in-flight count,
    /// acknowledged sequence, re-enqueue in sequence order, broken sequence).
    ///
    /// Returns the decision and, unless it was re-enqueued, the batch: the caller runs its completions,
    /// then `retire`s it.
    func resolve(
        _ batch: consuming ProducerBatch, errorCode: ErrorCode, message: String, nowNanos: Int64, retries: Int
    ) -> (DeliveryDecision, ProducerBatch?) {
        let decision = state.withLock { state -> DeliveryDecision in
            let queue = queue(for: batch.topicPartition, in: &state)
            queue.inFlightBatches -= 1
            assert(queue.inFlightBatches >= 0, "more answers than batches in flight for \(batch.topicPartition)")
            let facts = DeliveryDecision.Batch(
                baseSequence: batch.baseSequence, recordCount: batch.recordCount, attempts: batch.attempts,
                openedNanos: batch.openedNanos)
            let decision = DeliveryDecision.decide(
                errorCode: errorCode, message: message, batch: facts,
                nextAcknowledgedSequence: queue.nextAcknowledgedSequence, nextSequence: queue.nextSequence,
                nowNanos: nowNanos, retries: retries, deliveryTimeoutMs: settings.deliveryTimeoutMs)
            switch decision {
            case .acknowledge:
                if batch.baseSequence >= 0 {
                    queue.nextAcknowledgedSequence = DeliveryDecision.wrappingAdd(batch.baseSequence, batch.recordCount)
                }
            case .retry:
                var retried = copy batch
                retried.attempts += 1
                retried.lastAttemptNanos = nowNanos
                retried.lastError = DeliveryDecision.lastError(errorCode, message)
                queue.reenqueue(retried)
                queue.queuedRecords += Int(retried.recordCount)
                queue.publishGauges()
            case .split:
                guard let (first, second) = batch.split() else {
                    // Not readable back (never with this encoder): fail it rather than resend it as it is.
                    let error = ProducerError.broker(.messageTooLarge, "\(message); the batch could not be split")
                    if batch.baseSequence >= 0 { state.identityResetRequested = true }
                    return .fail(error, breaksSequence: batch.baseSequence >= 0, rollsBackSequence: false)
                }
                Self.requeueSplit(first, second, of: batch, queue: queue, state: &state)
            case .fail(_, let breaksSequence, let rollsBackSequence):
                if rollsBackSequence && queue.inFlightBatches == 0 {
                    queue.nextSequence = batch.baseSequence
                } else if breaksSequence || rollsBackSequence {
                    state.identityResetRequested = true
                }
            }
            return decision
        }
        if case .retry = decision { return (decision, nil) }
        return (decision, batch)
    }

    /// Puts the halves of a split batch in front of the deque, in order, finished with the original's
    /// producer id and epoch and its sequences (first half from its base sequence, the second after it). The
    /// split adds a batch: it counts as incomplete, also for `flush()`/`close()` waiters waiting for the
    /// original (both halves keep its id). Caller holds the lock; the original's buffer goes back to the
    /// pool through `releaseSplit`.
    private static func requeueSplit(
        _ first: consuming ProducerBatch, _ second: consuming ProducerBatch, of original: borrowing ProducerBatch,
        queue: PartitionQueue, state: inout AccumulatorState
    ) {
        var first = first
        var second = second
        let sequenced = original.baseSequence >= 0
        first.finish(
            producerId: original.producerId, producerEpoch: original.producerEpoch, baseSequence: original.baseSequence)
        second.finish(
            producerId: original.producerId, producerEpoch: original.producerEpoch,
            baseSequence: sequenced ? DeliveryDecision.wrappingAdd(original.baseSequence, first.recordCount) : -1)
        // A split counts as an attempt: in `reenqueue`'s order, the halves go with the partition's retries. No
        // backoff: the last attempt is dated to the clock's origin, so they are sendable at once.
        first.attempts = max(1, first.attempts)
        second.attempts = max(1, second.attempts)
        first.lastAttemptNanos = 0
        second.lastAttemptNanos = 0
        queue.reenqueue(second)
        queue.reenqueue(first)
        queue.queuedRecords += Int(original.recordCount)
        queue.publishGauges()
        state.incompleteBatches += 1
        for index in state.flushWaiters.indices where original.id <= state.flushWaiters[index].lastBatchId {
            state.flushWaiters[index].remaining += 1
        }
    }

    /// The buffer of a batch that was split (`DeliveryDecision.split`) goes back to the pool; the batch
    /// itself lives on as its halves, so it is not retired.
    func releaseSplit(_ batch: consuming ProducerBatch) {
        pool.deallocate(batch.takeBuffer(), bytes: batch.allocatedBytes)
    }

    /// A batch failed before or without an answer (connection closed on `close()`): out of flight and, when
    /// it carried a sequence, the sequences are broken. Returns it for `retire`.
    func abandon(_ batch: consuming ProducerBatch, error: ProducerError) -> ProducerBatch {
        state.withLock { state in
            let queue = queue(for: batch.topicPartition, in: &state)
            queue.inFlightBatches -= 1
            if batch.baseSequence >= 0 { state.identityResetRequested = true }
        }
        return batch
    }

    /// The batch is done for good and its completions have run: it no longer counts as incomplete (waking
    /// `flush()`/`close()` waiters whose last batch this was), and its buffer goes back to the pool.
    func retire(_ batch: consuming ProducerBatch) {
        let resumed = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.incompleteBatches -= 1
            assert(state.incompleteBatches >= 0, "more batches retired than created")
            return Self.countDown(&state, completedBatchId: batch.id)
        }
        for continuation in resumed { continuation.resume(returning: true) }
        pool.deallocate(batch.takeBuffer(), bytes: batch.allocatedBytes)
    }

    /// Removes batches that will never be sent: past `delivery.timeout.ms` since they opened (from the front
    /// of each deque, Kafka's `expiredBatches`). An expired batch that carried a sequence breaks the
    /// sequences (`identityResetRequested`). The caller completes them with the returned error, then
    /// `retire`s them.
    func expireBatches(nowNanos: Int64) -> [(ProducerBatch, ProducerError)] {
        let deadlineNanos = settings.deliveryTimeoutMs * 1_000_000
        return state.withLock { state -> [(ProducerBatch, ProducerError)] in
            var expired: [(ProducerBatch, ProducerError)] = []
            for queue in state.drainOrder where queue.batchCount > 0 {
                while let openedNanos = queue.head?.openedNanos, let baseSequence = queue.head?.baseSequence {
                    guard nowNanos - openedNanos >= deadlineNanos else { break }
                    let error = ProducerError.deliveryTimeout(
                        ms: settings.deliveryTimeoutMs, lastError: queue.head?.lastError)
                    if baseSequence >= 0 { state.identityResetRequested = true }
                    let batch = queue.takeHead()
                    queue.queuedRecords -= Int(batch.recordCount)
                    expired.append((batch, error))
                }
                queue.publishGauges()
            }
            return expired
        }
    }

    /// Every batch still in a deque (`close()` after its timeout): the caller fails them with `.closed`.
    func takeAllQueued() -> [ProducerBatch] {
        state.withLock { state -> [ProducerBatch] in
            var taken: [ProducerBatch] = []
            for queue in state.drainOrder {
                while queue.head != nil { taken.append(queue.takeHead()) }
                queue.queuedRecords = 0
                queue.publishGauges()
            }
            return taken
        }
    }
}
