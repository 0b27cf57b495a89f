import Dispatch
import Glibc
import Synchronization

/// The last bound on a stop: armed when a graceful shutdown is asked for, it ends the process with status 1
/// after `shutdown.timeout.ms` if the stop phases have not finished by then — a recovery that does not yield,
/// a hung disk, a connection that never drains. What was not closed is recovered at the next start (the
/// logs' clean-shutdown marker is only written by a completed close).
enum ShutdownDeadline {
    private static let armed = Atomic<Bool>(false)

    /// Arms the deadline once; later calls do nothing. Runs on a Dispatch timer, not in the task tree being
    /// stopped, because the point is to fire when that tree is stuck.
    static func arm(afterMs timeoutMs: Int64, brokerId: Int32) {
        precondition(timeoutMs >= 1, "shutdown.timeout.ms is at least 1")
        guard armed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(min(timeoutMs, Int64(Int32.max))))) {
            let message = "sluiced: broker \(brokerId) did not stop within shutdown.timeout.ms=\(timeoutMs); "
                + "exiting with status 1 (logs not closed are recovered at the next start)\n"
            _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            _exit(1)
        }
    }
}
