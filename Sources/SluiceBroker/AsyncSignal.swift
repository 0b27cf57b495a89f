import Synchronization

/// Wakes every waiter when something changed (a high watermark advanced, data arrived).
///
/// A waiter passes the generation it observed before checking its condition; a signal in between
/// bumps the generation so the wait returns at once instead of missing the wake-up. Waits are
/// bounded by a timeout and end early on task cancellation.
/// Bound: one continuation per waiting request; requests are bounded by connections × in-flight.
public final class AsyncSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiterId: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The current generation; read it before checking the condition you wait for.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Number of waiters parked now (for the purgatory gauge and tests).
    public var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Wakes every waiter and bumps the generation.
    public func signal() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            let continuations = Array(state.waiters.values)
            state.waiters.removeAll(keepingCapacity: true)
            return continuations
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns after a signal newer than `observed`, after `timeout`, or on cancellation, whichever is first.
    public func wait(after observed: UInt64, timeout: Duration) async {
        guard timeout > .zero else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal(after: observed) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal(after observed: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterId &+= 1
            return state.nextWaiterId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != observed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
