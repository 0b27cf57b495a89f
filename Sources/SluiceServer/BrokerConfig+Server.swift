import SluiceConfig

extension BrokerConfig {
    /// The `log.flush.interval.ms` the logs use: the key when set, else `log.flush.scheduler.interval.ms`
    /// (Kafka's fallback), else none (`Int64.max`: the OS flushes, the log fsyncs on roll and close).
    var effectiveFlushIntervalMs: Int64? {
        logFlushIntervalMs ?? (logFlushSchedulerIntervalMs == Int64.max ? nil : logFlushSchedulerIntervalMs)
    }

    /// The maintenance loop's period: `log.flush.scheduler.interval.ms` when set below a second (the flusher
    /// checks that often), else one second. Retention runs every `log.retention.check.interval.ms` of ticks.
    var maintenanceTickMs: Int64 {
        max(1, min(1000, logFlushSchedulerIntervalMs))
    }
}
