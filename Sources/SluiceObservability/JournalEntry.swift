/// One structured entry for the journal or the stderr fallback: a human sentence, a priority and
/// upper-case fields. Built by ``EventEmitter`` and ``JournalLogHandler``; sent by ``LogSink``.
struct JournalEntry: Sendable {
    /// The longest field name journald accepts.
    static let fieldNameLengthMax = 64

    /// Severity, sent as `PRIORITY=<number>`.
    let priority: SyslogPriority
    /// The sentence a person reads (`MESSAGE=`).
    let message: String
    /// Further fields in order, names upper case (`SLUICE_EVENT`, `BROKER_ID`, `CODE_LINE`, …).
    let fields: [(name: String, value: String)]

    init(priority: SyslogPriority, message: String, fields: [(name: String, value: String)]) {
        for field in fields {
            assert(Self.isValidFieldName(field.name), "invalid journal field name \(field.name)")
        }
        self.priority = priority
        self.message = message
        self.fields = fields
    }

    /// The `KEY=value` items for `sd_journal_sendv`: PRIORITY, SYSLOG_IDENTIFIER, MESSAGE, then the fields.
    func journalFields(identifier: String) -> [String] {
        var items: [String] = []
        items.reserveCapacity(fields.count + 3)
        items.append("PRIORITY=\(priority.rawValue)")
        items.append("SYSLOG_IDENTIFIER=\(identifier)")
        items.append("MESSAGE=\(message)")
        for field in fields {
            items.append("\(field.name)=\(field.value)")
        }
        assert(items.count == fields.count + 3)
        return items
    }

    /// Whether journald keeps a field of this name: upper-case letters, digits and `_`, not starting with
    /// a digit or `_` (leading `_` marks trusted fields that clients may not set), at most 64 bytes.
    static func isValidFieldName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= fieldNameLengthMax else {
            return false
        }
        guard first != UInt8(ascii: "_"), !isDigit(first) else {
            return false
        }
        return name.utf8.allSatisfy { isUpper($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isUpper(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
