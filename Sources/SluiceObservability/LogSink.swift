#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place Sluice's journal entries leave the process: the journal through a ``JournalWriter`` (the
/// daemon's `sd_journal_sendv`), or one line per entry on standard error. ``EventEmitter`` and
/// ``JournalLogHandler`` share a sink, so events and ordinary logs land in the same place with the same
/// `SYSLOG_IDENTIFIER`.
///
/// Thread-safe and lock-free: each entry is built in the caller's stack frame and written with a single
/// `sd_journal_sendv` or `write(2)` call, which the kernel keeps whole (stderr lines up to `PIPE_BUF`
/// bytes are atomic on pipes; longer ones may interleave with other writers).
public final class LogSink: Sendable {
    enum Destination: Sendable {
        case journal(any JournalWriter)
        case stderr
        /// Tests: hand each entry to a closure instead of doing I/O.
        case capture(@Sendable (JournalEntry) -> Void)
    }

    /// `SYSLOG_IDENTIFIER` of every entry (`sluiced` for the daemon); also the second word of stderr lines.
    public let identifier: String
    let destination: Destination

    /// A sink writing to `target` under `identifier` (a short word without spaces, e.g. `sluiced`). The journal
    /// needs a `journal` writer (the daemon's is SluiceSystemd's `SystemdJournal`); without one, `.journal`
    /// writes to standard error like `.stderr`.
    public init(target: LogTarget, identifier: String = "sluiced", journal: (any JournalWriter)? = nil) {
        precondition(!identifier.isEmpty, "empty syslog identifier")
        precondition(!identifier.utf8.contains(UInt8(ascii: " ")), "syslog identifier '\(identifier)' has a space")
        self.identifier = identifier
        if target == .journal, let journal {
            self.destination = .journal(journal)
        } else {
            self.destination = .stderr
        }
    }

    init(identifier: String, capture: @escaping @Sendable (JournalEntry) -> Void) {
        precondition(!identifier.isEmpty, "empty syslog identifier")
        self.identifier = identifier
        self.destination = .capture(capture)
    }

    /// Where this sink writes; a capturing test sink reports `.stderr`.
    public var target: LogTarget {
        switch destination {
        case .journal: return .journal
        case .stderr, .capture: return .stderr
        }
    }

    /// Sends one entry. A journal send that fails (journald gone, entry refused) falls back to stderr, so
    /// an event is never lost silently while the process can still write somewhere.
    func send(_ entry: JournalEntry) {
        switch destination {
        case .journal(let journal):
            let fields = entry.journalFields(identifier: identifier)
            precondition(!fields.isEmpty, "journal entry without fields")
            if !journal.send(fields: fields) {
                writeToStderr(entry)
            }
        case .stderr:
            writeToStderr(entry)
        case .capture(let record):
            record(entry)
        }
    }

    private func writeToStderr(_ entry: JournalEntry) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let timestamp = UTCTimestamp.format(secondsSinceEpoch: Int64(now.tv_sec), nanoseconds: Int64(now.tv_nsec))
        var line = Array(entry.stderrLine(identifier: identifier, timestamp: timestamp).utf8)
        line.append(UInt8(ascii: "\n"))
        Self.writeAll(line, to: STDERR_FILENO)
    }

    /// Writes `bytes` with as few `write(2)` calls as the kernel allows (one, for a line on a pipe or a
    /// terminal); retries on EINTR and short writes, gives up on any other error (stderr closed: nothing
    /// left to report to).
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            var attemptsLeft = 64  // Bound: a short write makes progress; 64 partial writes means a broken fd.
            while offset < raw.count && attemptsLeft > 0 {
                attemptsLeft -= 1
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
            assert(offset <= raw.count)
        }
    }
}
