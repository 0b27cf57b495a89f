import Logging
import Synchronization

/// Process-wide swift-log set-up for Sluice executables: every `Logger` writes through a
/// ``JournalLogHandler`` to one ``LogSink``.
public enum SluiceLogging {
    /// Whether `LoggingSystem.bootstrap` already ran through this helper (swift-log allows it once).
    private static let bootstrapped = Mutex(false)

    /// Makes ``JournalLogHandler`` the handler of every `Logger` created from now on, at `level` and above,
    /// writing to `sink`. Idempotent: only the first call in a process bootstraps (swift-log crashes on a
    /// second `LoggingSystem.bootstrap`); later calls change nothing and return false.
    @discardableResult
    public static func bootstrap(level: Logger.Level, sink: LogSink) -> Bool {
        let first = bootstrapped.withLock { done -> Bool in
            guard !done else {
                return false
            }
            done = true
            return true
        }
        guard first else {
            return false
        }
        LoggingSystem.bootstrap(
            { label, provider in
                JournalLogHandler(label: label, sink: sink, logLevel: level, metadataProvider: provider)
            },
            metadataProvider: nil
        )
        return true
    }
}
