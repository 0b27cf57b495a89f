import Prometheus
import SluiceObservability
import SluiceWire

/// The producer's metrics (observability.md, "Producer"), declared with help text on a registry that the
/// embedding program exposes — `sluiced` shares the broker's, so `/metrics` shows the gateway's producer;
/// an application passes its own `PrometheusCollectorRegistry` (`ProducerMetrics(registry:)`, then
/// `Producer(config:…, metrics:)`) and serves it next to its other metrics. Nothing is global: two producers
/// on two registries never see each other's series.
///
/// Hot paths keep handles: ``partition(topic:partition:)``, ``topic(_:)`` and ``broker(_:)`` are called
/// once when a partition, topic or connection appears and return objects whose updates need no label
/// lookup. The unlabelled metrics and `sluice_producer_batches_sent_total{reason}` (all four reasons) exist
/// at zero from `init`, so rates and absence alerts work before the first batch.
///
/// One `ProducerMetrics` per registry and producer: a second one on the same registry shares (and
/// overwrites) the same series.
public final class ProducerMetrics: Sendable {
    /// Every metric this type declares, for tests and for checking dashboards against real names.
    public static let definitions: [MetricDefinition] = [
        .producerAccumulatorBatches, .producerAccumulatorRecords, .producerAccumulatorBytes,
        .producerBufferAvailableBytes, .producerBufferWait, .producerLingerWait,
        .producerBatchesSent, .producerBatchSizeBytes, .producerBatchRecords,
        .producerRecordsSent, .producerRecordErrors, .producerRecordRetries,
        .producerRequestLatency, .producerInFlightRequests, .producerDeliveryLatency,
    ]

    /// Bounds of `sluice_producer_batch_size_bytes`: 64 B to 16 MiB in ×4 steps (10 bounds), covering a
    /// one-record batch up to a large `batch.size` or `max.request.size`.
    public static let batchSizeBuckets: [Double] = MetricBuckets.geometric(from: 64, to: 16 * 1_024 * 1_024, factor: 4)
    /// Bounds of `sluice_producer_batch_records`: 1 to 65,536 records in ×4 steps (9 bounds).
    public static let batchRecordsBuckets: [Double] = MetricBuckets.geometric(from: 1, to: 65_536, factor: 4)

    /// The registry everything is declared on (shared with `BrokerMetrics` in `sluiced`).
    public let registry: PrometheusCollectorRegistry

    let accumulatorBytes: Gauge
    let bufferAvailableBytes: Gauge
    let bufferWait: DurationHistogram
    let lingerWait: DurationHistogram
    let batchesSent: LabelledSeries<BatchSendReason, Prometheus.Counter>
    let batchSizeBytes: ValueHistogram
    let batchRecords: ValueHistogram
    let deliveryLatency: DurationHistogram
    let partitions = MetricHandles<TopicPartition, ProducerPartitionGauges>()
    let topics = MetricHandles<String, ProducerTopicCounters>()
    let brokers = MetricHandles<Int32, ProducerBrokerMetrics>()

    /// False when recording is off (`metrics.enabled=false`): the series stay declared (zero-valued, so
    /// dashboards see them), but nothing updates them — what "metrics off" costs is measured against this.
    public let isRecording: Bool

    /// Declares every producer metric on `registry` (zero-valued, known labels registered); with
    /// `recording` false every update is skipped.
    ///
    /// The default registry is a new one of this object's own. To expose a producer's series with an
    /// application's other metrics, pass the application's registry and hand this object to the producer:
    /// `Producer(config: …, metrics: ProducerMetrics(registry: registry))`. The producer then records as this
    /// object was made (`recording`) and does not consult its `metrics.enabled` key, which only applies to
    /// the `ProducerMetrics` a producer makes for itself when given none.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), recording: Bool = true) {
        self.registry = registry
        self.isRecording = recording
        self.accumulatorBytes = registry.makeGauge(.producerAccumulatorBytes)
        self.bufferAvailableBytes = registry.makeGauge(.producerBufferAvailableBytes)
        self.bufferWait = registry.makeDurationHistogram(.producerBufferWait)
        self.lingerWait = registry.makeDurationHistogram(.producerLingerWait)
        self.batchesSent = LabelledSeries { reason in
            registry.makeCounter(.producerBatchesSent, labelValues: [reason.rawValue])
        }
        self.batchSizeBytes = registry.makeValueHistogram(.producerBatchSizeBytes, buckets: Self.batchSizeBuckets)
        self.batchRecords = registry.makeValueHistogram(.producerBatchRecords, buckets: Self.batchRecordsBuckets)
        self.deliveryLatency = registry.makeDurationHistogram(.producerDeliveryLatency)
        assert(batchesSent.count == BatchSendReason.allCases.count)
    }

    /// The whole registry in Prometheus text format 0.0.4, for a program that embeds the producer without a
    /// broker. (`sluiced` emits through `BrokerMetrics`, which shares the registry.)
    public func emit() -> String {
        registry.emitToString()
    }
}
