/// Where a partition log reports what the broker measures, without this module choosing a metrics system.
///
/// The broker implements it over its Prometheus registry (`sluice_log_flush_seconds`) and its journald
/// logger (`log_recovered`). Calls come from whichever thread did the work, never under the log's lock.
/// Every method has an empty default.
public protocol LogObserver: Sendable {
    /// One fsync of a segment (log and indexes) finished; `seconds` is its duration. `sluice_log_flush_seconds`.
    func flushed(seconds: Double)
    /// Opening the log finished its recovery; called once, from `PartitionLog.init`.
    func recovered(_ report: LogRecoveryReport)
    /// A new active segment starts at `baseOffset`.
    func rolled(baseOffset: Int64)
    /// A retention pass deleted segments (called only when it deleted at least one).
    func retained(_ result: RetentionResult)
    /// A truncation dropped offsets from the end of the log (called only when it dropped at least one).
    func truncated(_ result: TruncationResult)
}

/// Empty defaults: an observer implements only what it measures.
extension LogObserver {
    public func flushed(seconds: Double) {}
    public func recovered(_ report: LogRecoveryReport) {}
    public func rolled(baseOffset: Int64) {}
    public func retained(_ result: RetentionResult) {}
    public func truncated(_ result: TruncationResult) {}
}
