import SluiceProducer
import Synchronization

/// The first failed send of a CLI producer run: recorded by completion callbacks (on the producer's sender
/// task) or by the command's loop (a `send` that threw), read by the loop, which stops at the first one.
///
/// Recording signals `wake` (when given), so a loop waiting for stdin wakes at once: an interactive user
/// sees the error, and the exit, right after the line that caused it.
final class FirstSendFailure: Sendable {
    private let failure = Mutex<ProducerError?>(nil)
    /// Set together with `failure`; read without the lock on the per-record path.
    private let hasFailed = Atomic<Bool>(false)
    private let wake: WakePipe?

    init(wake: WakePipe? = nil) {
        self.wake = wake
    }

    /// Whether a failure was recorded (one atomic load: cheap enough to check before every record).
    var isSet: Bool { hasFailed.load(ordering: .acquiring) }

    /// The first failure, if any.
    var error: ProducerError? { failure.withLock { $0 } }

    /// Keeps `error` if it is the first; later ones are dropped (their records fail for the same cause, or
    /// with PRODUCER_CLOSED once the command closes the producer).
    func record(_ error: ProducerError) {
        let isFirst = failure.withLock { stored -> Bool in
            guard stored == nil else { return false }
            stored = error
            return true
        }
        guard isFirst else { return }
        hasFailed.store(true, ordering: .releasing)
        wake?.signal()
    }
}
