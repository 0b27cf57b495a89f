import Foundation

/// A process's scheduler state as /proc reports it, for tests that pause processes: `kill(SIGSTOP)` returns before
/// the process has stopped, and a request sent in that window may still be answered.
public enum ProcessState {
    /// The state letter of `pid` (`R`, `S`, `T` stopped, …), nil when it cannot be read.
    public static func letter(of pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // `pid (comm) S …`: the state follows the command name's closing parenthesis and a space.
        return stat[stat.index(after: close)...].dropFirst().first
    }

    /// Polls (bounded, 5 s) until `pid` is stopped; true when it is.
    @discardableResult
    public static func awaitStopped(_ pid: Int32) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if letter(of: pid) == "T" { return true }
            usleep(1_000)
        }
        return false
    }
}
