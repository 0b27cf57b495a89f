/// Where a ``LogSink`` hands entries bound for the systemd journal: one call per entry with its
/// `KEY=value` fields. This module has no journald code of its own, so the client and producer libraries
/// link no libsystemd; the daemon passes `SystemdJournal` from SluiceSystemd (`sd_journal_sendv`).
public protocol JournalWriter: Sendable {
    /// Sends one entry's fields (`MESSAGE=…`, `PRIORITY=…`, …); false when the journal refused it, and the
    /// sink then writes the entry to standard error instead.
    func send(fields: [String]) -> Bool
}
