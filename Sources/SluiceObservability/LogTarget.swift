#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where events and log lines go: the systemd journal (structured fields) or standard error (one line each).
public enum LogTarget: String, Sendable, CaseIterable {
    /// `sd_journal_sendv` to journald's native socket; every field stays separately queryable.
    case journal
    /// One `key=value` line per entry on file descriptor 2, for terminals, containers and tests.
    case stderr

    /// The environment variable that forces the choice: `SLUICE_LOG_TARGET=stderr|journal`.
    public static let overrideVariable = "SLUICE_LOG_TARGET"

    /// journald's native protocol socket; `sd_journal_sendv` writes here.
    public static let journalSocketPath = "/run/systemd/journal/socket"

    /// Chooses the target from an environment and whether journald's socket exists. Pure: the caller looks.
    ///
    /// `SLUICE_LOG_TARGET` wins when it names a target. Otherwise the journal is used only when its socket
    /// exists: without it `sd_journal_sendv` drops entries silently. `JOURNAL_STREAM` alone does not select
    /// the journal, because then standard error already is the journal and the stderr line lands there.
    public static func choose(environment: [String: String], journalSocketExists: Bool) -> LogTarget {
        if let forced = environment[overrideVariable], let target = LogTarget(rawValue: forced) {
            return target
        }
        if journalSocketExists {
            return .journal
        }
        return .stderr
    }

    /// Chooses the target for this process: reads `SLUICE_LOG_TARGET` and looks for journald's socket.
    public static func detect() -> LogTarget {
        var environment: [String: String] = [:]
        if let forced = getenv(overrideVariable) {
            environment[overrideVariable] = String(cString: forced)
        }
        let socketExists = access(journalSocketPath, F_OK) == 0
        return choose(environment: environment, journalSocketExists: socketExists)
    }
}
