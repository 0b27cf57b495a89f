import Foundation

/// A fault-injection point for the tests of shutdown during start-up, and nothing else: with the environment
/// variable `SLUICED_TEST_HANG_AT=<phase>` the daemon blocks its start-up thread at that phase, without
/// yielding or checking for cancellation, as a hung disk or a very long recovery would. The tests then send
/// SIGTERM and prove the process still ends (through `ShutdownDeadline`). Unset in production: a no-op.
enum StartupFault: String, Sendable {
    /// After the native listener is bound.
    case nativeBound = "native-bound"
    /// After the HTTP listener is bound, before metadata and logs are loaded.
    case httpBound = "http-bound"
    /// On an I/O thread, where log recovery runs.
    case logRecovery = "log-recovery"
    /// After every log is open, before READY.
    case logsRecovered = "logs-recovered"

    private static let requested: StartupFault? =
        ProcessInfo.processInfo.environment["SLUICED_TEST_HANG_AT"].flatMap(StartupFault.init(rawValue:))

    /// Blocks the calling thread for good when `phase` was asked for; the line on stderr tells the test when.
    static func hangIfAsked(at phase: StartupFault) {
        guard requested == phase else { return }
        FileHandle.standardError.write(Data("sluiced: SLUICED_TEST_HANG_AT=\(phase.rawValue): start-up hangs here\n".utf8))
        // Bound: none, on purpose; only the shutdown deadline (or SIGKILL) ends this.
        while true { sleep(3600) }
    }
}
