import Dispatch
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns the first SIGINT into a flag the consumer polls between fetches, so it can flush its
/// output and print its total before exiting; a second SIGINT kills the process as usual.
final class InterruptFlag {
    /// Shared with the signal handler, which runs on a Dispatch queue.
    private final class Raised: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let raised = Raised()
    private let source: any DispatchSourceSignal

    /// Installs the handler; SIGINT is caught while the flag is alive.
    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [raised] in
            raised.value.store(true, ordering: .releasing)
            signal(SIGINT, SIG_DFL)
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }

    /// Whether SIGINT arrived.
    var isRaised: Bool { raised.value.load(ordering: .acquiring) }
}
