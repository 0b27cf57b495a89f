import CSystemd
import Glibc

/// Talks to the service manager over `sd_notify` for `Type=notify` units: `READY=1` once listeners are
/// bound and metadata is loaded, `STATUS=` lines saying what the broker does, `STOPPING=1` on shutdown and
/// `WATCHDOG=1` keep-alives.
///
/// Every method is a no-op returning false when `NOTIFY_SOCKET` is unset (run from a shell or a test).
/// Ping the watchdog from the loop that does the broker's work, not from a timer of its own, so a hung
/// broker misses it and systemd restarts it. Holds no C memory; the value is freely copyable.
public struct SystemdNotifier: Sendable {
    /// Whether the process runs under a service manager that listens (`NOTIFY_SOCKET` is set).
    public let isEnabled: Bool
    /// How often to call ``watchdogPing()``: half of `WATCHDOG_USEC`, or nil when the unit has no
    /// `WatchdogSec=` (or the watchdog is meant for another process, per `WATCHDOG_PID`).
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` of this process once.
    public init() {
        self.isEnabled = getenv("NOTIFY_SOCKET") != nil
        var watchdogMicroseconds: UInt64 = 0
        if isEnabled && sd_watchdog_enabled(0, &watchdogMicroseconds) > 0 && watchdogMicroseconds > 0 {
            self.watchdogInterval = .microseconds(Int64(watchdogMicroseconds / 2))
        } else {
            self.watchdogInterval = nil
        }
    }

    /// Sends `READY=1` and `STATUS=<status>`: start-up is complete. Call once, after listeners are bound.
    @discardableResult
    public func ready(status: String) -> Bool {
        notify(Self.message(["READY=1", "STATUS=" + Self.singleLine(status)]))
    }

    /// Sends `STATUS=<status>`, shown by `systemctl status` (e.g. `leading 3, following 5, controller`).
    @discardableResult
    public func status(_ status: String) -> Bool {
        notify(Self.message(["STATUS=" + Self.singleLine(status)]))
    }

    /// Sends `EXTEND_TIMEOUT_USEC=<timeout>`: start-up is still making progress (a long log recovery), so
    /// systemd waits up to `timeout` from now for the next message instead of failing at `TimeoutStartSec=`.
    /// Send it at each step of real progress, never from a timer: a start-up that hangs stops extending.
    @discardableResult
    public func extendTimeout(by timeout: Duration) -> Bool {
        let microseconds = timeout.components.seconds * 1_000_000 + timeout.components.attoseconds / 1_000_000_000_000
        return notify(Self.message(["EXTEND_TIMEOUT_USEC=\(max(1, microseconds))"]))
    }

    /// Sends `STOPPING=1`: shutdown has begun (leadership moves, logs flush).
    @discardableResult
    public func stopping() -> Bool {
        notify(Self.message(["STOPPING=1"]))
    }

    /// Sends `WATCHDOG=1`. Call at ``watchdogInterval`` from the broker's working loop.
    @discardableResult
    public func watchdogPing() -> Bool {
        notify(Self.message(["WATCHDOG=1"]))
    }

    /// Newline-separated assignments, the `sd_notify` state string.
    static func message(_ assignments: [String]) -> String {
        assert(!assignments.isEmpty, "empty sd_notify message")
        return assignments.joined(separator: "\n")
    }

    /// `text` with line breaks turned into spaces: a newline would end the `STATUS=` assignment early.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    private func notify(_ state: String) -> Bool {
        guard isEnabled else {
            return false
        }
        return sd_notify(0, state) > 0
    }
}
