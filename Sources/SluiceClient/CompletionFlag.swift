import Synchronization

/// A one-way flag set on the event loop when a request completes and read from any thread.
final class CompletionFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Marks completion; idempotent.
    func set() {
        value.store(true, ordering: .releasing)
    }

    /// Whether `set()` has run.
    var isSet: Bool { value.load(ordering: .acquiring) }
}
