import SluiceObservability

extension MetricDefinition {
    // MARK: Accumulator (labels topic, partition, or none)

    /// `sluice_producer_accumulator_batches{topic,partition}`: batches waiting in the accumulator (depth).
    public static let producerAccumulatorBatches = gauge(
        "sluice_producer_accumulator_batches", labels: ["topic", "partition"],
        help: "Batches waiting in the producer's record accumulator for the partition (queue depth)."
    )
    /// `sluice_producer_accumulator_records{topic,partition}`: records waiting in the accumulator.
    public static let producerAccumulatorRecords = gauge(
        "sluice_producer_accumulator_records", labels: ["topic", "partition"],
        help: "Records waiting in the producer's record accumulator for the partition."
    )
    /// `sluice_producer_accumulator_bytes`: bytes of `buffer.memory` in use.
    public static let producerAccumulatorBytes = gauge(
        "sluice_producer_accumulator_bytes",
        help: "Bytes of the producer's buffer.memory in use by batches in the accumulator or in flight."
    )
    /// `sluice_producer_buffer_available_bytes`: bytes of `buffer.memory` free.
    public static let producerBufferAvailableBytes = gauge(
        "sluice_producer_buffer_available_bytes",
        help: "Bytes of the producer's buffer.memory free for new batches."
    )
    /// `sluice_producer_buffer_wait_seconds`: time `send` blocked waiting for buffer memory.
    public static let producerBufferWait = histogram(
        "sluice_producer_buffer_wait_seconds",
        help: "Time in seconds a send blocked waiting for buffer.memory (bounded by max.block.ms)."
    )
    /// `sluice_producer_linger_wait_seconds`: time from a batch's opening to its drain by the sender.
    public static let producerLingerWait = histogram(
        "sluice_producer_linger_wait_seconds",
        help: "Time in seconds from a batch's opening in the accumulator to its drain by the sender."
    )

    // MARK: Sent batches

    /// `sluice_producer_batches_sent_total{reason}`: why each batch left the accumulator
    /// (``BatchSendReason``: full, linger, flush, memory).
    public static let producerBatchesSent = counter(
        "sluice_producer_batches_sent_total", labels: ["reason"],
        help: "Batches drained from the accumulator, by the reason they became ready (full, linger, flush, memory)."
    )
    /// `sluice_producer_batch_size_bytes`: bytes per sent batch.
    public static let producerBatchSizeBytes = histogram(
        "sluice_producer_batch_size_bytes",
        help: "Bytes per batch drained from the accumulator (bounded by batch.size unless one record is larger)."
    )
    /// `sluice_producer_batch_records`: records per sent batch.
    public static let producerBatchRecords = histogram(
        "sluice_producer_batch_records",
        help: "Records per batch drained from the accumulator."
    )

    // MARK: Records (label topic)

    /// `sluice_producer_records_sent_total{topic}`: records acknowledged.
    public static let producerRecordsSent = counter(
        "sluice_producer_records_sent_total", labels: ["topic"],
        help: "Records acknowledged by the partition leader (acks=0: written to the connection)."
    )
    /// `sluice_producer_record_errors_total{topic,error}`: records failed for good.
    public static let producerRecordErrors = counter(
        "sluice_producer_record_errors_total", labels: ["topic", "error"],
        help: "Records whose send failed for good (no more retries), by error name."
    )
    /// `sluice_producer_record_retries_total{topic}`: records re-sent.
    public static let producerRecordRetries = counter(
        "sluice_producer_record_retries_total", labels: ["topic"],
        help: "Records sent again after a retriable error."
    )

    // MARK: Requests (label broker)

    /// `sluice_producer_request_latency_seconds{broker}`: produce request round trip.
    public static let producerRequestLatency = histogram(
        "sluice_producer_request_latency_seconds", labels: ["broker"],
        help: "Produce request round trip in seconds, from write to response, by broker id."
    )
    /// `sluice_producer_in_flight_requests{broker}`: produce requests awaiting a response.
    public static let producerInFlightRequests = gauge(
        "sluice_producer_in_flight_requests", labels: ["broker"],
        help: "Produce requests sent to the broker and awaiting a response "
            + "(bounded by max.in.flight.requests.per.connection)."
    )

    // MARK: Delivery

    /// `sluice_producer_delivery_latency_seconds`: `send` call to acknowledgement.
    public static let producerDeliveryLatency = histogram(
        "sluice_producer_delivery_latency_seconds",
        help: "Time in seconds from a record's send call to its acknowledgement (bounded by delivery.timeout.ms)."
    )
}
