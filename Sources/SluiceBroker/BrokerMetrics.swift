import Prometheus
import SluiceObservability
import SluiceWire

/// The broker's metric catalogue (observability.md, "Broker" and "Process and build"), declared with help
/// text on one `PrometheusCollectorRegistry` that `GET /metrics` emits.
///
/// Hot paths keep handles: ``partition(topic:partition:)`` and ``topic(_:)`` are called once when a
/// partition or topic appears and return objects whose updates are single atomic operations; the request
/// methods here index a fixed table by enum. Other modules' metrics (the producer's, the gateway's) are
/// declared on the same ``registry`` so one scrape shows everything.
public final class BrokerMetrics: Sendable {
    /// `Content-Type` of the exposition: Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every metric this type declares, for tests and for checking dashboards against real names.
    public static let definitions: [MetricDefinition] = [
        .partitionLogEndOffset, .partitionHighWatermark, .partitionLogStartOffset, .partitionLeaderEpoch,
        .partitionISRSize, .partitionReplicas, .logSizeBytes, .partitionFollowerLag,
        .brokerIsrShrinks, .brokerIsrExpands, .logTruncatedRecords, .logTruncatedAckedRecords,
        .brokerLeaderPartitions, .brokerUnderReplicatedPartitions, .brokerUnderMinISRPartitions,
        .brokerProducePurgatorySize, .brokerRequests, .brokerRequestErrors, .brokerProduceRequests,
        .brokerProduceLatency,
        .brokerFetchRequests, .brokerFetchLatency,
        .brokerRecordsIn, .brokerBytesIn, .brokerBytesOut, .brokerNotEnoughReplicas, .brokerFetchConversions,
        .brokerDuplicateBatches, .brokerOutOfOrderSequence,
        .logFlush, .logSegmentsDeleted, .logSegmentsDeletedBytes,
        .buildInfo, .processCPUSeconds, .processResidentMemory, .processOpenFDs, .processStartTime,
    ]

    /// The registry everything is declared on; pass it to other modules' metrics types.
    public let registry: PrometheusCollectorRegistry
    /// `process_*` and `sluice_build_info`, refreshed by ``emit()``.
    public let process: ProcessMetrics

    let leaderPartitions: Gauge
    let underReplicatedPartitions: Gauge
    let underMinISRPartitions: Gauge
    let producePurgatorySize: Gauge
    let produceRequests: LabelledSeries<ProduceAcks, RequestMetrics>
    let fetchRequests: LabelledSeries<FetchRequestType, RequestMetrics>
    let logFlushDuration: DurationHistogram
    /// `sluice_log_segments_deleted_total` and `..._bytes_total`, one pair per reason.
    let segmentDeletions: LabelledSeries<LogDeletionReason, SegmentDeletionCounters>
    /// `sluice_broker_requests_total{api,protocol}`, registered for every known API at start.
    let requestCounts = MetricHandles<String, Prometheus.Counter>()
    /// `sluice_broker_request_errors_total{api,error}`, made at an API's first error of each kind.
    let requestErrors = MetricHandles<String, Prometheus.Counter>()
    let partitions = MetricHandles<TopicPartition, PartitionGauges>()
    let topics = MetricHandles<String, TopicCounters>()

    struct SegmentDeletionCounters: Sendable {
        let segments: Prometheus.Counter
        let bytes: Prometheus.Counter
    }

    /// Declares the catalogue on `registry` (a new one by default) with build version `version`. Labelled
    /// request series (`acks` = 0, 1, all; fetch `type` = consumer, follower) and segment-deletion series
    /// (`reason` = retention_ms, retention_bytes, truncation) start at zero so that rates and absence alerts
    /// work before the first request.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), version: String) {
        self.registry = registry
        self.process = ProcessMetrics(registry: registry, version: version)
        self.leaderPartitions = registry.makeGauge(.brokerLeaderPartitions)
        self.underReplicatedPartitions = registry.makeGauge(.brokerUnderReplicatedPartitions)
        self.underMinISRPartitions = registry.makeGauge(.brokerUnderMinISRPartitions)
        self.producePurgatorySize = registry.makeGauge(.brokerProducePurgatorySize)
        self.produceRequests = LabelledSeries { acks in
            RequestMetrics(
                registry: registry, count: .brokerProduceRequests, latency: .brokerProduceLatency, label: acks.rawValue)
        }
        self.fetchRequests = LabelledSeries { type in
            RequestMetrics(
                registry: registry, count: .brokerFetchRequests, latency: .brokerFetchLatency, label: type.rawValue)
        }
        self.logFlushDuration = registry.makeDurationHistogram(.logFlush)
        self.segmentDeletions = LabelledSeries { reason in
            SegmentDeletionCounters(
                segments: registry.makeCounter(.logSegmentsDeleted, labelValues: [reason.rawValue]),
                bytes: registry.makeCounter(.logSegmentsDeletedBytes, labelValues: [reason.rawValue]))
        }
        registerRequests(apis: RequestBody.apiNames, protocol: .native)
        assert(produceRequests.count == ProduceAcks.allCases.count)
        assert(fetchRequests.count == FetchRequestType.allCases.count)
    }
}
