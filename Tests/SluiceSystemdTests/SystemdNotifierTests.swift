import Foundation
import Testing

@testable import SluiceSystemd

@Suite struct SystemdNotifierTests {
    @Test func everythingIsANoOpWithoutNotifySocket() {
        guard ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] == nil else {
            print("skipped everythingIsANoOpWithoutNotifySocket: tests run under a service manager")
            return
        }
        let notifier = SystemdNotifier()
        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogInterval == nil)
        #expect(!notifier.ready(status: "leading 0 partitions"))
        #expect(!notifier.status("leading 3 partitions"))
        #expect(!notifier.watchdogPing())
        #expect(!notifier.stopping())
    }

    @Test func messagesAreNewlineSeparatedAssignments() {
        #expect(SystemdNotifier.message(["READY=1", "STATUS=up"]) == "READY=1\nSTATUS=up")
    }

    @Test func statusTextCannotInjectAssignments() {
        #expect(SystemdNotifier.singleLine("leading 3\nREADY=1") == "leading 3 READY=1")
        #expect(SystemdNotifier.singleLine("a\r\nb") == "a b")
    }
}
