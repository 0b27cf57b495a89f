import SluiceObservability

extension MetricDefinition {
    // MARK: Partition gauges (labels topic, partition)

    /// `sluice_partition_log_end_offset{topic,partition}`: LEO of the local replica.
    public static let partitionLogEndOffset = partitionGauge(
        "sluice_partition_log_end_offset",
        "Log end offset (offset of the next record to append) of the local replica."
    )
    /// `sluice_partition_high_watermark{topic,partition}`: HW of the local replica.
    public static let partitionHighWatermark = partitionGauge(
        "sluice_partition_high_watermark", "High watermark of the local replica: consumers read only below it.")
    /// `sluice_partition_log_start_offset{topic,partition}`: first retained offset.
    public static let partitionLogStartOffset = partitionGauge(
        "sluice_partition_log_start_offset", "First offset still retained in the local log.")
    /// `sluice_partition_leader_epoch{topic,partition}`: current leader epoch.
    public static let partitionLeaderEpoch = partitionGauge(
        "sluice_partition_leader_epoch", "Current leader epoch of the partition as known by this broker.")
    /// `sluice_partition_isr_size{topic,partition}`: ISR members (exported by the leader).
    public static let partitionISRSize = partitionGauge(
        "sluice_partition_isr_size", "Members of the in-sync replica set (exported by the partition leader).")
    /// `sluice_partition_replicas{topic,partition}`: assigned replicas (exported by the leader).
    public static let partitionReplicas = partitionGauge(
        "sluice_partition_replicas", "Assigned replicas of the partition (exported by the partition leader).")
    /// `sluice_log_size_bytes{topic,partition}`: bytes on disk.
    public static let logSizeBytes = partitionGauge(
        "sluice_log_size_bytes", "Bytes on disk of the partition's log segments.")

    /// `sluice_partition_follower_lag_records{topic,partition,replica}`: leader LEO − follower LEO.
    public static let partitionFollowerLag = gauge(
        "sluice_partition_follower_lag_records", labels: ["topic", "partition", "replica"],
        help: "Records a follower is behind the leader (leader log end offset minus the follower's, as its "
            + "fetches report it; exported by the partition leader).")

    // MARK: Replication counters (labels topic, partition)

    /// `sluice_broker_isr_shrinks_total{topic,partition}`.
    public static let brokerIsrShrinks = counter(
        "sluice_broker_isr_shrinks_total", labels: ["topic", "partition"],
        help: "Followers this broker, as leader, removed from the partition's ISR for lagging more than "
            + "replica.lag.time.max.ms.")
    /// `sluice_broker_isr_expands_total{topic,partition}`.
    public static let brokerIsrExpands = counter(
        "sluice_broker_isr_expands_total", labels: ["topic", "partition"],
        help: "Followers this broker, as leader, added back to the partition's ISR after they caught up.")
    /// `sluice_log_truncated_records_total{topic,partition}`.
    public static let logTruncatedRecords = counter(
        "sluice_log_truncated_records_total", labels: ["topic", "partition"],
        help: "Records this replica removed from its log tail on becoming a follower (a divergent tail).")
    /// `sluice_log_truncated_acked_records_total{topic,partition}`.
    public static let logTruncatedAckedRecords = counter(
        "sluice_log_truncated_acked_records_total", labels: ["topic", "partition"],
        help: "Of the truncated records, those this broker had acknowledged to a producer while it led the "
            + "partition: acknowledged data lost.")

    // MARK: Broker gauges

    /// `sluice_broker_leader_partitions`: partitions this broker leads.
    public static let brokerLeaderPartitions = gauge(
        "sluice_broker_leader_partitions", help: "Partitions this broker leads.")
    /// `sluice_broker_under_replicated_partitions`: led partitions with ISR < replicas.
    public static let brokerUnderReplicatedPartitions = gauge(
        "sluice_broker_under_replicated_partitions",
        help: "Partitions led by this broker whose in-sync replica set is smaller than their replica set."
    )
    /// `sluice_broker_under_min_isr_partitions`: led partitions with ISR < min.insync.replicas.
    public static let brokerUnderMinISRPartitions = gauge(
        "sluice_broker_under_min_isr_partitions",
        help: "Partitions led by this broker whose in-sync replica set is smaller than min.insync.replicas."
    )
    /// `sluice_broker_produce_purgatory_size`: acks=all requests waiting for HW.
    public static let brokerProducePurgatorySize = gauge(
        "sluice_broker_produce_purgatory_size",
        help: "Produce requests with acks=all waiting for the high watermark to pass their records."
    )

    // MARK: Request counters and latencies

    /// `sluice_broker_requests_total{api,protocol}`: requests handled, every API, both protocols.
    public static let brokerRequests = counter(
        "sluice_broker_requests_total", labels: ["api", "protocol"],
        help: "Requests handled, by API (Kafka's message name) and protocol (native, kafka).")
    /// `sluice_broker_request_errors_total{api,error}`: requests answered with an error code.
    public static let brokerRequestErrors = counter(
        "sluice_broker_request_errors_total", labels: ["api", "error"],
        help: "Requests answered with an error code, by API and Kafka error name; a request counts once per "
            + "distinct error in its response (a topic or partition error included).")
    /// `sluice_broker_produce_requests_total{acks}`: produce requests handled.
    public static let brokerProduceRequests = counter(
        "sluice_broker_produce_requests_total", labels: ["acks"],
        help: "Produce requests handled, by acks setting (0, 1, all).")
    /// `sluice_broker_produce_latency_seconds{acks}`: request arrival to response.
    public static let brokerProduceLatency = histogram(
        "sluice_broker_produce_latency_seconds", labels: ["acks"],
        help: "Produce request arrival to response in seconds; acks=all includes replication.")
    /// `sluice_broker_fetch_requests_total{type}`: fetch requests handled (Sluice's addition).
    public static let brokerFetchRequests = counter(
        "sluice_broker_fetch_requests_total", labels: ["type"],
        help: "Fetch requests handled, by requester type (consumer, follower).")
    /// `sluice_broker_fetch_latency_seconds{type}`: fetch arrival to response (Sluice's addition).
    public static let brokerFetchLatency = histogram(
        "sluice_broker_fetch_latency_seconds", labels: ["type"],
        help: "Fetch request arrival to response in seconds, by requester type (consumer, follower).")

    // MARK: Topic counters (label topic)

    /// `sluice_broker_records_in_total{topic}`: records appended as leader.
    public static let brokerRecordsIn = topicCounter(
        "sluice_broker_records_in_total", "Records appended to the log by this broker as partition leader.")
    /// `sluice_broker_bytes_in_total{topic}`: bytes appended as leader.
    public static let brokerBytesIn = topicCounter(
        "sluice_broker_bytes_in_total", "Record batch bytes appended to the log by this broker as partition leader.")
    /// `sluice_broker_bytes_out_total{topic}`: bytes served by fetch.
    public static let brokerBytesOut = topicCounter(
        "sluice_broker_bytes_out_total", "Record batch bytes served to fetch requests.")
    /// `sluice_broker_fetch_conversions_total{topic}`: native batches converted to magic 2 for a Kafka fetch.
    public static let brokerFetchConversions = topicCounter(
        "sluice_broker_fetch_conversions_total",
        "Native record batches (magic 1) converted to Kafka's magic 2 for a Kafka client's fetch, as Kafka counts "
            + "its down-conversions.")
    /// `sluice_broker_not_enough_replicas_total{topic}`: acks=all refused or failed for ISR < min.
    public static let brokerNotEnoughReplicas = topicCounter(
        "sluice_broker_not_enough_replicas_total",
        "Produce requests with acks=all refused or failed because the ISR was smaller than min.insync.replicas."
    )

    /// `sluice_broker_duplicate_batches_total{topic}`: idempotent retries answered with their original offset.
    public static let brokerDuplicateBatches = topicCounter(
        "sluice_broker_duplicate_batches_total",
        "Idempotent producer batches recognised as duplicates (same producer, epoch and sequences as one of the "
            + "last 5) and answered with their original offset without being appended."
    )
    /// `sluice_broker_out_of_order_sequence_total{topic}`: batches refused with OUT_OF_ORDER_SEQUENCE_NUMBER.
    public static let brokerOutOfOrderSequence = topicCounter(
        "sluice_broker_out_of_order_sequence_total",
        "Idempotent producer batches refused with OUT_OF_ORDER_SEQUENCE_NUMBER because their sequence did not "
            + "continue the producer's last one (a gap, or a new epoch not starting at 0)."
    )

    // MARK: Storage

    /// `sluice_log_flush_seconds`: fsync durations.
    public static let logFlush = histogram(
        "sluice_log_flush_seconds", help: "Duration of log flushes (fsync) in seconds.")

    /// `sluice_log_segments_deleted_total{reason}`: log segments deleted, by reason (``LogDeletionReason``).
    public static let logSegmentsDeleted = counter(
        "sluice_log_segments_deleted_total", labels: ["reason"],
        help: "Log segments deleted, by reason: retention_ms (log.retention.ms / retention.ms), retention_bytes "
            + "(log.retention.bytes / retention.bytes) or truncation (end of the log cut)."
    )
    /// `sluice_log_segments_deleted_bytes_total{reason}`: bytes of the log segments deleted, by reason.
    public static let logSegmentsDeletedBytes = counter(
        "sluice_log_segments_deleted_bytes_total", labels: ["reason"],
        help: "Bytes of the log segments deleted, by reason: retention_ms, retention_bytes or truncation."
    )

    private static func partitionGauge(_ name: String, _ help: String) -> MetricDefinition {
        gauge(name, labels: ["topic", "partition"], help: help)
    }

    private static func topicCounter(_ name: String, _ help: String) -> MetricDefinition {
        counter(name, labels: ["topic"], help: help)
    }
}
