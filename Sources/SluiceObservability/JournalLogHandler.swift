import Logging

/// A swift-log `LogHandler` that writes to a ``LogSink``: on journald each log call becomes an entry with
/// `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, `SLUICE_LABEL` (the
/// logger's label) and one `SLUICE_<KEY>` field per metadata key (`sluice.topic` → `SLUICE_TOPIC`), so
/// `journalctl SLUICE_TOPIC=orders` works. On stderr it writes one line with the same fields.
///
/// A value type, as swift-log requires: changing metadata or level on one `Logger` affects no other.
public struct JournalLogHandler: LogHandler {
    /// The prefix of every metadata field.
    public static let metadataFieldPrefix = "SLUICE_"

    /// The label the logger was created with (`sluice.broker`), sent as `SLUICE_LABEL`.
    public let label: String
    /// Where entries go.
    public let sink: LogSink
    /// Messages below this level are dropped by `Logger` before they reach the handler.
    public var logLevel: Logger.Level
    /// Metadata attached to every entry of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata (task locals) merged into every entry.
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for the logger `label`, writing to `sink` at `logLevel` and above.
    public init(
        label: String,
        sink: LogSink,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.sink = sink
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    /// Reads or writes one metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Sends one log event as a journal entry (or stderr line).
    public func log(event: LogEvent) {
        sink.send(entry(for: event))
    }

    /// The entry for `event`: metadata merged provider < handler < call site, fields sorted by key so the
    /// stderr line is stable.
    func entry(for event: LogEvent) -> JournalEntry {
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(metadata) { _, handler in handler }
        if let callSite = event.metadata {
            merged.merge(callSite) { _, call in call }
        }
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(merged.count + 5)
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append((Self.fieldName(forMetadataKey: key), value.description))
        }
        if let error = event.error {
            fields.append(("SLUICE_ERROR", String(describing: error)))
        }
        fields.append(("SLUICE_LABEL", label))
        fields.append(("CODE_FILE", event.file))
        fields.append(("CODE_LINE", String(event.line)))
        fields.append(("CODE_FUNC", event.function))
        return JournalEntry(
            priority: Self.priority(for: event.level),
            message: event.message.description,
            fields: fields
        )
    }

    /// The journal field for a metadata key: `SLUICE_` + the key upper-cased, every byte that is not an
    /// ASCII letter or digit replaced by `_`, cut to journald's 64-byte limit.
    /// `sluice.topic` → `SLUICE_TOPIC`, `peer-address` → `SLUICE_PEER_ADDRESS`, `sluice.topic` and
    /// `topic` both map to `SLUICE_TOPIC` (the `sluice.` namespace is not repeated).
    public static func fieldName(forMetadataKey key: String) -> String {
        let namespace = "sluice."
        let bare = key.hasPrefix(namespace) ? String(key.dropFirst(namespace.count)) : key
        var name = Array(metadataFieldPrefix.utf8)
        for byte in bare.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): name.append(byte - 32)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): name.append(byte)
            default: name.append(UInt8(ascii: "_"))
            }
        }
        let field = String(decoding: name.prefix(JournalEntry.fieldNameLengthMax), as: UTF8.self)
        assert(JournalEntry.isValidFieldName(field), "mangled metadata key \(key) into invalid field \(field)")
        return field
    }

    /// The syslog priority of a swift-log level (`trace` and `debug` both map to debug, 7).
    public static func priority(for level: Logger.Level) -> SyslogPriority {
        switch level {
        case .trace, .debug: return .debug
        case .info: return .info
        case .notice: return .notice
        case .warning: return .warning
        case .error: return .error
        case .critical: return .critical
        }
    }
}
