/// Writes Sluice's catalogued events (``EventKind``) as structured journal entries: `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, `MESSAGE_ID`, `SLUICE_EVENT` and the event's upper-case fields.
///
/// One method per event kind; each builds its sentence and fields and makes one synchronous send. Cheap
/// enough for control-plane events (elections, ISR changes, start and stop); never call it per record.
/// Operators find the entries with `journalctl SLUICE_EVENT=leader_elected` or `journalctl -x MESSAGE_ID=…`,
/// and `systemd/sluice.catalog` explains each one.
public struct EventEmitter: Sendable {
    /// Where entries go; share it with ``JournalLogHandler`` so events and logs interleave in one place.
    public let sink: LogSink

    /// An emitter writing to `sink` (the daemon's is SluiceSystemd's `LogSink.daemon`).
    public init(sink: LogSink) {
        self.sink = sink
    }

    /// Sends one event. `fields` must be exactly `event.fieldNames`, in order: the catalog documents them.
    func emit(event: EventKind, priority: SyslogPriority, message: String, fields: [(String, String)]) {
        sink.send(Self.entry(event: event, priority: priority, message: message, fields: fields))
    }

    /// The journal entry of an event: `SLUICE_EVENT` and `MESSAGE_ID` first, then the event's fields.
    static func entry(
        event: EventKind,
        priority: SyslogPriority,
        message: String,
        fields: [(String, String)]
    ) -> JournalEntry {
        assert(fields.map(\.0) == event.fieldNames, "fields of \(event.rawValue) differ from its catalog entry")
        assert(!message.isEmpty, "event \(event.rawValue) without a message")
        var all: [(name: String, value: String)] = [("SLUICE_EVENT", event.rawValue), ("MESSAGE_ID", event.messageID)]
        all.reserveCapacity(fields.count + 2)
        for (name, value) in fields {
            all.append((name, value))
        }
        return JournalEntry(priority: priority, message: message, fields: all)
    }

    /// Broker ids as a journal field value: `1,2,3` (empty when the list is).
    static func list(_ brokerIds: [Int32]) -> String {
        brokerIds.map { String($0) }.joined(separator: ",")
    }

    /// Broker ids for a sentence: `1,2,3`, or `none`.
    static func listForMessage(_ brokerIds: [Int32]) -> String {
        brokerIds.isEmpty ? "none" : list(brokerIds)
    }
}
