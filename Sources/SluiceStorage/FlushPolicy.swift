/// When the log fsyncs on its own: `log.flush.interval.messages` records or `log.flush.interval.ms`
/// since the last flush. With the defaults it never does (the OS writes back; replication is the
/// durability), except on roll and close. A pure decision: the log does the I/O.
enum FlushPolicy {
    static func isDue(recordsSinceFlush: Int64, lastFlushMs: Int64?, nowMs: Int64?, config: LogConfig) -> Bool {
        precondition(recordsSinceFlush >= 0, "record count since flush must not be negative")
        guard recordsSinceFlush > 0 else { return false }
        if recordsSinceFlush >= config.flushIntervalMessages { return true }
        guard let intervalMs = config.flushIntervalMs, let lastFlushMs, let nowMs else { return false }
        return nowMs - lastFlushMs >= intervalMs
    }
}
