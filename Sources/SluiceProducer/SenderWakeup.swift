import Synchronization

/// Wakes the sender loop: a new or full batch, a flush, a close, an answer from a broker, a finished
/// connect or metadata refresh. The loop sleeps on it until the earliest linger deadline — it never polls.
///
/// One waiter at a time (the sender's single loop task). A signal that arrives while nobody waits is kept
/// as `pending`, so the next `wait` returns at once and no wake-up is lost.
@usableFromInline
final class SenderWakeup: Sendable {
    /// A wake-up that came while nobody waited, and the parked waiter.
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init() {}

    /// Wakes the waiting loop, or makes its next wait return at once.
    @usableFromInline
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after a signal (one that came since the last wait counts), after `timeout` (nil: no
    /// timeout), or on task cancellation, whichever is first.
    func wait(timeout: Duration?) async {
        if consumePending() { return }
        guard let timeout else {
            await waitForSignal()
            return
        }
        guard timeout > .zero else { return }
        await raceTimeout(timeout, wait: { await self.waitForSignal() }, expire: { self.releaseWaiter() })
    }

    /// Takes a pending wake-up, if one came since the last wait.
    private func consumePending() -> Bool {
        state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
    }

    /// Resumes the parked waiter without leaving a pending signal (the timeout path).
    private func releaseWaiter() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Parks until `signal()` or cancellation.
    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    precondition(state.waiter == nil, "the sender wake-up has one waiter at a time")
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            releaseWaiter()
        }
    }
}
