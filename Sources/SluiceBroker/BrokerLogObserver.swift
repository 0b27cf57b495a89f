import Logging
import SluiceObservability
import SluiceStorage

/// Connects a partition log's reports to the broker's metrics and journald events.
struct BrokerLogObserver: LogObserver {
    let topicPartition: TopicPartition
    let events: EventEmitter
    let metrics: BrokerMetrics
    let logger: Logger

    func flushed(seconds: Double) {
        metrics.recordLogFlush(duration: .nanoseconds(Int64(seconds * 1e9)))
    }

    /// Every recovery that scanned or cut something is an event (`log_recovered`) and a log line.
    func recovered(_ report: LogRecoveryReport) {
        guard report.segmentsScanned > 0 || report.truncatedBytes > 0 else { return }
        events.logRecovered(
            topic: topicPartition.topic, partition: topicPartition.partition, segments: report.segmentsScanned,
            truncatedBytes: report.truncatedBytes)
        let message: Logger.Message = report.truncatedBytes > 0
            ? "recovered \(topicPartition): truncated \(report.truncatedBytes) bytes (\(report.firstProblem ?? "torn tail")); log end offset \(report.logEndOffset)"
            : "recovered \(topicPartition): \(report.segmentsScanned) segment(s) scanned, nothing truncated"
        let metadata: Logger.Metadata = ["sluice.topic": "\(topicPartition.topic)", "sluice.partition": "\(topicPartition.partition)"]
        if report.truncatedBytes > 0 { logger.warning(message, metadata: metadata) } else { logger.info(message, metadata: metadata) }
    }

    func retained(_ result: RetentionResult) {
        logger.info("retention deleted segments of \(topicPartition): \(result)",
                    metadata: ["sluice.topic": "\(topicPartition.topic)"])
    }
}
