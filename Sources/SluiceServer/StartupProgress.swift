import Foundation
import SluiceSystemd

/// Start-up's progress through log recovery, told to systemd: after each partition's log is open — at most once
/// a second — `EXTEND_TIMEOUT_USEC` of ``timeoutExtension``, so recovering many or large logs after a crash is
/// not killed at the unit's `TimeoutStartSec=`, while a recovery that hangs stops extending and is.
///
/// Tests only: `SLUICED_TEST_RECOVERY_DELAY_MS=<ms>` makes each partition's opening that much slower, as a slow
/// disk would (unset in production: one dictionary lookup at start).
struct StartupProgress {
    /// How long systemd waits for the next step once told of one.
    static let timeoutExtension = Duration.seconds(30)
    /// At most one message this often: thousands of small partitions open in well under a second.
    static let messageInterval = Duration.seconds(1)
    static let testDelayMs = ProcessInfo.processInfo.environment["SLUICED_TEST_RECOVERY_DELAY_MS"].flatMap(UInt32.init)

    let notifier: SystemdNotifier
    private var lastMessage: ContinuousClock.Instant?

    init(notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    /// One partition's log is open (recovered if it had to be).
    mutating func partitionOpened() {
        if let delayMs = Self.testDelayMs { usleep(delayMs * 1000) }
        let now = ContinuousClock.now
        if let lastMessage, lastMessage.duration(to: now) < Self.messageInterval { return }
        lastMessage = now
        notifier.extendTimeout(by: Self.timeoutExtension)
    }
}
