import SluiceProducer
import Synchronization

/// Collects the outcomes of one gateway request's records, which the producer completes in any order from its
/// sender, and hands them back in record order once all are in.
///
/// Bound: one slot per record of the request (at most `gateway.max.request.bytes` of JSON). Every record is
/// completed exactly once by the producer — acknowledged, failed for good within `delivery.timeout.ms`, or
/// failed at once when it could not be appended (`send(contentsOf:)`'s per-position completion); a second
/// outcome for a slot is ignored (the first one wins).
final class GatewayDeliveries: Sendable {
    typealias Outcome = Result<RecordMetadata, ProducerError>

    private struct State {
        var outcomes: [Outcome?]
        var pending: Int
        var waiter: CheckedContinuation<[Outcome], Never>?
    }

    private let state: Mutex<State>

    /// Slots for `count` records, all pending.
    init(count: Int) {
        precondition(count > 0, "a produce request has at least one record")
        state = Mutex(State(outcomes: Array(repeating: nil, count: count), pending: count, waiter: nil))
    }

    /// Records the outcome of record `index`; the last one wakes ``outcomes()``. Safe from any thread.
    func complete(_ index: Int, _ outcome: Outcome) {
        let finished: (CheckedContinuation<[Outcome], Never>, [Outcome])? = state.withLock { state in
            precondition(state.outcomes.indices.contains(index), "record \(index) is not in this request")
            guard case .none = state.outcomes[index] else { return nil }
            state.outcomes[index] = outcome
            state.pending -= 1
            assert(state.pending >= 0, "more outcomes than records")
            guard state.pending == 0, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.outcomes.map { $0! })
        }
        // Resume outside the lock: the waiter's task may run at once.
        if let (waiter, outcomes) = finished { waiter.resume(returning: outcomes) }
    }

    /// Waits until every record has an outcome; returns them in record order. Call once.
    func outcomes() async -> [Outcome] {
        await withCheckedContinuation { continuation in
            let ready: [Outcome]? = state.withLock { state in
                precondition(state.waiter == nil, "outcomes() awaited twice")
                guard state.pending == 0 else {
                    state.waiter = continuation
                    return nil
                }
                return state.outcomes.map { $0! }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
