import Dispatch
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns the first SIGINT or SIGTERM into a flag the consumer polls between fetches, so it can flush its
/// output and print its total before exiting 0 — as Kafka's console consumer does on both (its shutdown hook);
/// a second signal of the same kind kills the process as usual.
///
/// Sendable by hand: its state is the atomic flag; the Dispatch sources are set in `init` and only
/// cancelled in `deinit`.
final class InterruptFlag: @unchecked Sendable {
    /// Shared with the signal handlers, which run on a Dispatch queue.
    private final class Raised: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// The signals that end a consumer gracefully.
    static let signals: [Int32] = [SIGINT, SIGTERM]

    private let raised = Raised()
    private let sources: [any DispatchSourceSignal]

    /// Installs the handlers; SIGINT and SIGTERM are caught while the flag is alive.
    init() {
        sources = Self.signals.map { [raised] number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                raised.value.store(true, ordering: .releasing)
                signal(number, SIG_DFL)
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }

    /// Whether SIGINT or SIGTERM arrived.
    var isRaised: Bool { raised.value.load(ordering: .acquiring) }
}
