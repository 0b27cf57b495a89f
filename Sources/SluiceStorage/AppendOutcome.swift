/// What an append did under the lock, and the slow work it leaves for after the lock.
struct AppendOutcome: Sendable {
    var info: AppendInfo
    var rolled: RolledSegment?
    var leaderEpochsChanged: Bool
    var flushDue: Bool
}
