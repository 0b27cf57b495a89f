import Synchronization

/// The one result a sync `send` waits for: completed once by the record's callback (on the sender's task),
/// awaited once by the caller.
final class DeliveryBox: Sendable {
    /// Nothing yet, the caller waiting, or the result.
    private enum State {
        case empty
        case waiting(CheckedContinuation<Result<RecordMetadata, ProducerError>, Never>)
        case done(Result<RecordMetadata, ProducerError>)
    }

    private let state = Mutex(State.empty)

    init() {}

    /// Stores the result and resumes the waiter, if it is waiting already. Called once.
    func complete(_ result: Result<RecordMetadata, ProducerError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<RecordMetadata, ProducerError>, Never>? in
            switch state {
            case .empty:
                state = .done(result)
                return nil
            case .waiting(let continuation):
                state = .done(result)
                return continuation
            case .done:
                preconditionFailure("a record completes once")
            }
        }
        waiter?.resume(returning: result)
    }

    /// Waits for the result. Called once.
    func value() async -> Result<RecordMetadata, ProducerError> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<RecordMetadata, ProducerError>? in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .done(let result):
                    return result
                case .waiting:
                    preconditionFailure("a sync send waits once")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
