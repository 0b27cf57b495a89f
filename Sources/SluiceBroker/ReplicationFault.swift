import Foundation

/// Tests only: `SLUICED_TEST_CRASH_AFTER_REPLICATION=1` makes the broker kill itself (SIGKILL) the first time an
/// acks=all produce has been replicated (the HW passed it) and before it is answered — the seed's duplication
/// scenario: the producer never hears back and retries on the new leader. Unset in production: one load of a
/// constant per acks=all request.
enum ReplicationFault {
    static let crashAfterReplication = ProcessInfo.processInfo.environment["SLUICED_TEST_CRASH_AFTER_REPLICATION"] == "1"

    /// Dies here when asked; the line on stderr tells the test it happened.
    static func crashIfAsked() {
        guard crashAfterReplication else { return }
        FileHandle.standardError.write(Data("sluiced: SLUICED_TEST_CRASH_AFTER_REPLICATION: killing myself\n".utf8))
        kill(getpid(), SIGKILL)
    }
}
