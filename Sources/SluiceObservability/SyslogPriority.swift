/// A syslog priority, as journald's `PRIORITY=` field carries it (RFC 5424 severity, 0 is most severe).
///
/// Events and log lines map onto these numbers so `journalctl -p warning` filters Sluice output the
/// same way it filters every other daemon.
public enum SyslogPriority: Int, Sendable, CaseIterable, Comparable {
    /// 0: the system is unusable.
    case emergency = 0
    /// 1: action must be taken immediately.
    case alert = 1
    /// 2: critical conditions.
    case critical = 2
    /// 3: error conditions (`err`).
    case error = 3
    /// 4: warning conditions.
    case warning = 4
    /// 5: normal but significant conditions.
    case notice = 5
    /// 6: informational messages.
    case info = 6
    /// 7: debug-level messages.
    case debug = 7

    /// The syslog keyword (`err`, `warning`, `info`, …), used as the level word of the stderr fallback line.
    public var keyword: String {
        switch self {
        case .emergency: return "emerg"
        case .alert: return "alert"
        case .critical: return "crit"
        case .error: return "err"
        case .warning: return "warning"
        case .notice: return "notice"
        case .info: return "info"
        case .debug: return "debug"
        }
    }

    /// Orders by severity number, so `.error < .warning` (more severe sorts first, as in syslog).
    public static func < (lhs: SyslogPriority, rhs: SyslogPriority) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
