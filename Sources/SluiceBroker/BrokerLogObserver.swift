import Logging
import SluiceObservability
import SluiceStorage
import SluiceWire

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
        let message: Logger.Message =
            report.truncatedBytes > 0
            ? "recovered \(topicPartition): truncated \(report.truncatedBytes) bytes (\(report.firstProblem ?? "torn tail")); log end offset \(report.logEndOffset)"
            : "recovered \(topicPartition): \(report.segmentsScanned) segment(s) scanned, nothing truncated"
        let metadata: Logger.Metadata = [
            "sluice.topic": "\(topicPartition.topic)", "sluice.partition": "\(topicPartition.partition)",
        ]
        if report.truncatedBytes > 0 {
            logger.warning(message, metadata: metadata)
        } else {
            logger.info(message, metadata: metadata)
        }
    }

    /// Counts the deletion by reason and writes one readable info line per pass, e.g. "retention deleted 2
    /// segment(s) (2048 bytes) of orders-0 by retention_bytes; log start offset 0 -> 40".
    func retained(_ result: RetentionResult) {
        metrics.recordSegmentsDeleted(
            reason: .retentionMs, segments: result.segmentsDeletedByTime, bytes: result.bytesDeletedByTime)
        metrics.recordSegmentsDeleted(
            reason: .retentionBytes, segments: result.segmentsDeletedBySize, bytes: result.bytesDeletedBySize)
        logger.info(
            "\(Self.retentionLine(result, topicPartition: topicPartition.description))",
            metadata: [
                "sluice.topic": "\(topicPartition.topic)", "sluice.partition": "\(topicPartition.partition)",
                "sluice.segments": "\(result.segmentsDeleted)", "sluice.bytes": "\(result.bytesDeleted)",
                "sluice.log_start_offset": "\(result.logStartOffset)",
            ])
    }

    /// Counts the deleted segments (reason `truncation`) and writes a warning line: data left the log's end.
    func truncated(_ result: TruncationResult) {
        metrics.recordSegmentsDeleted(reason: .truncation, segments: result.segmentsDeleted, bytes: result.bytesDeleted)
        let line =
            "truncation of \(topicPartition) dropped \(result.offsetsDropped) offset(s) and deleted "
            + "\(result.segmentsDeleted) segment(s) (\(result.bytesDeleted) bytes); log end offset "
            + "\(result.logEndOffset), log start offset \(result.logStartOffset)"
        logger.warning(
            "\(line)",
            metadata: ["sluice.topic": "\(topicPartition.topic)", "sluice.partition": "\(topicPartition.partition)"])
    }

    /// The retention line's text. Pure.
    static func retentionLine(_ result: RetentionResult, topicPartition: String) -> String {
        var parts: [String] = []
        if result.segmentsDeletedByTime > 0 {
            parts.append(
                "\(result.segmentsDeletedByTime) segment(s) (\(result.bytesDeletedByTime) bytes) by retention_ms")
        }
        if result.segmentsDeletedBySize > 0 {
            parts.append(
                "\(result.segmentsDeletedBySize) segment(s) (\(result.bytesDeletedBySize) bytes) by retention_bytes")
        }
        return "retention deleted \(parts.joined(separator: " and ")) of \(topicPartition); log start offset "
            + "\(result.previousLogStartOffset) -> \(result.logStartOffset)"
    }
}
