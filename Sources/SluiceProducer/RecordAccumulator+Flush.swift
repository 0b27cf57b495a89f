extension RecordAccumulator {
    /// Waits until every batch created before the call is complete (Kafka's `awaitFlushCompletion`), or until
    /// `timeout` passes (nil: no limit). A flush (`isFlush`) makes every batch ready with reason `flush` while
    /// it waits. Returns false when the timeout passed first.
    func awaitCompletion(isFlush: Bool, timeout: Duration?) async -> Bool {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterId += 1
            state.announcedWaiters[state.nextWaiterId] = false
            return state.nextWaiterId
        }
        guard let timeout else { return await register(id: id, isFlush: isFlush) }
        return await raceTimeout(
            max(timeout, .zero), wait: { await self.register(id: id, isFlush: isFlush) },
            expire: { self.expireWaiter(id: id) })
    }

    /// Whether batches remain that are not complete.
    var hasIncompleteBatches: Bool { state.withLock { $0.incompleteBatches > 0 } }

    /// Registers waiter `id` and waits; wakes the sender so a flush takes effect at once.
    private func register(id: UInt64, isFlush: Bool) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let immediate = state.withLock { state -> Bool? in
                let expired = state.announcedWaiters.removeValue(forKey: id)
                assert(expired != nil, "flush waiter \(id) registered twice")
                if expired == true { return false }
                if state.incompleteBatches == 0 { return true }
                state.flushWaiters.append(
                    FlushWaiter(
                        id: id, lastBatchId: state.nextBatchId, remaining: state.incompleteBatches, isFlush: isFlush,
                        continuation: continuation))
                if isFlush { state.flushesInProgress += 1 }
                return nil
            }
            if let immediate {
                continuation.resume(returning: immediate)
            } else {
                wakeup.signal()
            }
        }
    }

    /// Resumes waiter `id` with false (its timeout passed); nothing when it completed already.
    private func expireWaiter(id: UInt64) {
        let expired = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.announcedWaiters[id] != nil {
                state.announcedWaiters[id] = true
                return nil
            }
            guard let index = state.flushWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = state.flushWaiters.remove(at: index)
            if waiter.isFlush { state.flushesInProgress -= 1 }
            return waiter.continuation
        }
        expired?.resume(returning: false)
    }

    /// Counts a completed batch against the waiters that wait for it; returns those now done. Caller holds the lock.
    static func countDown(_ state: inout AccumulatorState, completedBatchId: UInt64) -> [CheckedContinuation<
        Bool, Never
    >] {
        guard !state.flushWaiters.isEmpty else { return [] }
        var done: [CheckedContinuation<Bool, Never>] = []
        var index = 0
        while index < state.flushWaiters.count {
            if completedBatchId <= state.flushWaiters[index].lastBatchId {
                state.flushWaiters[index].remaining -= 1
            }
            if state.flushWaiters[index].remaining <= 0 {
                let waiter = state.flushWaiters.remove(at: index)
                if waiter.isFlush { state.flushesInProgress -= 1 }
                done.append(waiter.continuation)
            } else {
                index += 1
            }
        }
        assert(state.flushesInProgress >= 0, "negative flushes in progress")
        return done
    }
}
