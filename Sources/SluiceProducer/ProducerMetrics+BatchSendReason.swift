/// The `reason` label of `sluice_producer_batches_sent_total`: why a batch left the accumulator — Kafka's
/// readiness rule (`RecordAccumulator.ready`), one reason per batch, the first that applied.
public enum BatchSendReason: String, Sendable, CaseIterable {
    /// The batch reached `batch.size` (or the next record did not fit).
    case full
    /// `linger.ms` elapsed since the batch was opened.
    case linger
    /// `flush()` or `close()` asked for everything to go now.
    case flush
    /// Another `send` was waiting for `buffer.memory`, so batches went early to free it.
    case memory
}
