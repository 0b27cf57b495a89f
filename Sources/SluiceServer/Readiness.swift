import Synchronization

/// What start-up has finished: `/ready` answers 200 and READY=1 goes to systemd only when all are true.
final class Readiness: Sendable {
    struct State: Sendable {
        var metadataLoaded = false
        var nativeAddress: String?
        var httpAddress: String?
        var isReady: Bool { metadataLoaded && nativeAddress != nil && httpAddress != nil }
    }

    private let state = Mutex(State())

    var isReady: Bool { state.withLock { $0.isReady } }

    /// Applies `change`; returns the state when this change made the broker ready (exactly once).
    func update(_ change: (inout State) -> Void) -> State? {
        state.withLock { state in
            let wasReady = state.isReady
            change(&state)
            return !wasReady && state.isReady ? state : nil
        }
    }
}
