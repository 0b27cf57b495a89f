import NIOCore

extension BufferPool {
    /// A buffer of at least `bytes`, waiting (FIFO behind earlier waiters) up to `maxBlock` for completed
    /// batches to release memory. Throws `.bufferExhausted` after `maxBlock` (`max.block.ms`), `.closed` once
    /// the producer closes. Observes `sluice_producer_buffer_wait_seconds` when it had to wait.
    ///
    /// The caller must not hold the accumulator's lock. `whenQueued` runs once the caller is in the waiters'
    /// line (not when served at once): the place to wake the sender, so that its readiness check sees the
    /// waiter and lets lingering batches go with reason `memory` — waking it earlier races the check.
    @usableFromInline
    func allocate(
        bytes: Int, maxBlock: Duration, clock: any ProducerClock, whenQueued: @escaping @Sendable () -> Void = {}
    ) async throws(ProducerError) -> ByteBuffer {
        precondition(bytes > 0 && bytes <= totalBytes, "allocation of \(bytes) bytes from a pool of \(totalBytes)")
        let startedNanos = clock.monotonicNanos()
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterId &+= 1
            state.announced[state.nextWaiterId] = false
            return state.nextWaiterId
        }
        let result = await raceTimeout(
            max(maxBlock, .zero),
            wait: { await self.waitInLine(id: id, bytes: bytes, whenQueued: whenQueued) },
            expire: { self.expire(id: id, waited: Duration.nanoseconds(clock.monotonicNanos() - startedNanos)) })
        metrics.recordBufferWait(Duration.nanoseconds(clock.monotonicNanos() - startedNanos))
        return try result.get()
    }

    /// Fails every waiter with `.closed` and refuses later allocations (producer close).
    func close() {
        let failed = state.withLock { state -> [CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>] in
            state.isClosed = true
            let waiting = state.waiters.map(\.continuation)
            waiterCount.wrappingSubtract(state.waiters.count, ordering: .relaxed)
            state.waiters.removeAll()
            for id in state.announced.keys { state.announced[id] = true }
            return waiting
        }
        for continuation in failed { continuation.resume(returning: .failure(.closed)) }
    }

    /// Queues the waiter (or serves it at once when memory is there and nobody is ahead).
    private func waitInLine(id: UInt64, bytes: Int, whenQueued: @Sendable () -> Void) async -> Result<ByteBuffer, ProducerError> {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>) in
            let immediate = state.withLock { state -> Result<ByteBuffer, ProducerError>? in
                let expired = state.announced.removeValue(forKey: id)
                assert(expired != nil, "waiter \(id) queued twice")
                if state.isClosed { return .failure(.closed) }
                if expired == true { return .failure(exhausted(waited: .zero)) }
                if state.waiters.isEmpty, let buffer = take(bytes: bytes, from: &state) { return .success(buffer) }
                state.waiters.append(Waiter(id: id, bytes: bytes, continuation: continuation))
                waiterCount.wrappingAdd(1, ordering: .relaxed)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) } else { whenQueued() }
        }
    }

    /// Gives up on waiter `id` (its `max.block.ms` passed, or its task was cancelled). Does nothing when it
    /// was served already. Memory freed behind it may now serve the next waiters.
    private func expire(id: UInt64, waited: Duration) {
        var served: [(CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>, ByteBuffer)] = []
        let expired = state.withLock { state -> CheckedContinuation<Result<ByteBuffer, ProducerError>, Never>? in
            if state.announced[id] != nil {
                state.announced[id] = true
                return nil
            }
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = state.waiters.remove(at: index)
            waiterCount.wrappingSubtract(1, ordering: .relaxed)
            served = serveWaiters(&state)
            return waiter.continuation
        }
        expired?.resume(returning: .failure(exhausted(waited: waited)))
        for (continuation, granted) in served { continuation.resume(returning: .success(granted)) }
    }

    /// The error of a wait that ran out of `max.block.ms`.
    private func exhausted(waited: Duration) -> ProducerError {
        let waitedMs = waited.components.seconds * 1_000 + waited.components.attoseconds / 1_000_000_000_000_000
        return .bufferExhausted(waitedMs: waitedMs, bufferMemory: totalBytes)
    }
}
