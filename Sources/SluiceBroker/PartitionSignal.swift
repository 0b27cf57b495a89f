import Synchronization

/// One partition's "something moved" signal (its log end offset, or its high watermark), waking the
/// requests parked on it — Kafka's delayed-operation purgatory keyed by partition.
///
/// A waiting request registers one ``Waker`` on the signal of each partition it waits for, re-checks its
/// condition, then waits; the first signal fires the waker and every signal it was registered on forgets it
/// (registrations are one-shot). When nobody waits, `signal()` is one atomic load: no lock, no allocation.
/// Bound: one registration per parked request per partition it asked for (connections × in-flight).
final class PartitionSignal: Sendable {
    /// Registered wakers; its count is mirrored in `waiting` so `signal()` can skip the lock.
    private let wakers = Mutex<[ObjectIdentifier: Waker]>([:])
    private let waiting = Atomic<Int>(0)
    /// Wakers this signal fired, ever (tests observe which partition woke a request).
    private let fired = Atomic<Int>(0)

    init() {}

    /// Number of wakers registered now (the purgatory gauges and tests).
    var waiterCount: Int { waiting.load(ordering: .sequentiallyConsistent) }
    /// Number of wakers this signal has fired.
    var firedCount: Int { fired.load(ordering: .relaxed) }

    /// Registers `waker`: the next `signal()` fires it. Register before re-checking the condition: a change
    /// made after the check is then seen by `signal()` (the count is stored before the check reads state).
    func register(_ waker: Waker) {
        wakers.withLock {
            $0[ObjectIdentifier(waker)] = waker
            waiting.store($0.count, ordering: .sequentiallyConsistent)
        }
    }

    /// Forgets `waker` (it woke elsewhere or timed out).
    func unregister(_ waker: Waker) {
        wakers.withLock {
            guard $0.removeValue(forKey: ObjectIdentifier(waker)) != nil else { return }
            waiting.store($0.count, ordering: .sequentiallyConsistent)
        }
    }

    /// Fires every registered waker and forgets them. Call after the change is visible (lock released).
    func signal() {
        guard waiting.load(ordering: .sequentiallyConsistent) > 0 else { return }
        let woken = wakers.withLock { wakers -> [Waker] in
            let all = Array(wakers.values)
            wakers.removeAll(keepingCapacity: true)
            waiting.store(0, ordering: .sequentiallyConsistent)
            return all
        }
        for waker in woken where waker.fire() { fired.add(1, ordering: .relaxed) }
    }
}

/// A one-shot wake-up for one parked request, registered on one or more ``PartitionSignal``s.
final class Waker: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case fired
        /// The wait ended (timeout or cancellation) without a fire.
        case done
    }

    private let state = Mutex(State.idle)

    init() {}

    /// Wakes the request (now, or at once when it starts waiting). True for the call that fired it.
    @discardableResult
    func fire() -> Bool {
        let (continuation, firedNow) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            switch state {
            case .idle:
                state = .fired
                return (nil, true)
            case .waiting(let continuation):
                state = .fired
                return (continuation, true)
            case .fired, .done:
                return (nil, false)
            }
        }
        continuation?.resume()
        return firedNow
    }

    /// Waits until fired, `timeout` passes or the task is cancelled; true when fired. One wait per waker.
    func wait(timeout: Duration) async -> Bool {
        guard timeout > .zero else { return state.withLock { if case .fired = $0 { true } else { false } } }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForFire() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.finish()
            }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { if case .fired = $0 { true } else { false } }
    }

    private func waitForFire() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard case .idle = state, !Task.isCancelled else { return true }
                    state = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            finish()
        }
    }

    /// Ends a wait that was not fired (timeout, cancellation).
    private func finish() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch state {
            case .idle:
                state = .done
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .fired, .done:
                return nil
            }
        }
        continuation?.resume()
    }
}
