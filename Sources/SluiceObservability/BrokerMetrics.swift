import Prometheus
import Synchronization

/// The broker's metric catalogue (observability.md, "Broker" and "Process and build"), declared with help
/// text on one `PrometheusCollectorRegistry` that `GET /metrics` emits.
///
/// Hot paths keep handles: ``partition(topic:partition:)`` and ``topic(_:)`` are called once when a
/// partition or topic appears and return objects whose updates are single atomic operations; the request
/// methods here index a fixed table by enum. Other modules' metrics (the producer's) are declared on the
/// same ``registry`` so one scrape shows everything.
public final class BrokerMetrics: Sendable {
    /// `Content-Type` of the exposition: Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every metric this type declares, for tests and for checking dashboards against real names.
    public static let definitions: [MetricDefinition] = [
        .partitionLogEndOffset, .partitionHighWatermark, .partitionLogStartOffset, .partitionLeaderEpoch,
        .partitionISRSize, .partitionReplicas, .logSizeBytes,
        .brokerLeaderPartitions, .brokerUnderReplicatedPartitions, .brokerUnderMinISRPartitions,
        .brokerProducePurgatorySize, .brokerProduceRequests, .brokerProduceLatency,
        .brokerFetchRequests, .brokerFetchLatency,
        .brokerRecordsIn, .brokerBytesIn, .brokerBytesOut, .brokerNotEnoughReplicas,
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
    let produceRequests: [ProduceAcks: RequestMetrics]
    let fetchRequests: [FetchRequestType: RequestMetrics]
    let logFlushDuration: DurationHistogram
    /// `sluice_log_segments_deleted_total` and `..._bytes_total`, one pair per reason.
    let segmentDeletions: [LogDeletionReason: (segments: Prometheus.Counter, bytes: Prometheus.Counter)]
    let partitions = Mutex<[PartitionKey: PartitionGauges]>([:])
    let topics = Mutex<[String: TopicCounters]>([:])

    struct PartitionKey: Hashable {
        var topic: String
        var partition: Int32
    }

    /// Declares the catalogue on `registry` (a new one by default) with build version `version`. Labelled
    /// request series (`acks` = 0, 1, all; fetch `type` = consumer, follower) and segment-deletion series (`reason` =
    /// retention_ms, retention_bytes, truncation) start at zero so that rates
    /// and absence alerts work before the first request.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), version: String) {
        self.registry = registry
        self.process = ProcessMetrics(registry: registry, version: version)
        self.leaderPartitions = registry.makeGauge(.brokerLeaderPartitions)
        self.underReplicatedPartitions = registry.makeGauge(.brokerUnderReplicatedPartitions)
        self.underMinISRPartitions = registry.makeGauge(.brokerUnderMinISRPartitions)
        self.producePurgatorySize = registry.makeGauge(.brokerProducePurgatorySize)
        var produce: [ProduceAcks: RequestMetrics] = [:]
        for acks in ProduceAcks.allCases {
            produce[acks] = RequestMetrics(
                registry: registry, count: .brokerProduceRequests, latency: .brokerProduceLatency, label: acks.rawValue
            )
        }
        var fetch: [FetchRequestType: RequestMetrics] = [:]
        for type in FetchRequestType.allCases {
            fetch[type] = RequestMetrics(
                registry: registry, count: .brokerFetchRequests, latency: .brokerFetchLatency, label: type.rawValue
            )
        }
        self.produceRequests = produce
        self.fetchRequests = fetch
        self.logFlushDuration = registry.makeDurationHistogram(.logFlush)
        var deletions: [LogDeletionReason: (segments: Prometheus.Counter, bytes: Prometheus.Counter)] = [:]
        for reason in LogDeletionReason.allCases {
            deletions[reason] = (
                registry.makeCounter(.logSegmentsDeleted, labelValues: [reason.rawValue]),
                registry.makeCounter(.logSegmentsDeletedBytes, labelValues: [reason.rawValue])
            )
        }
        self.segmentDeletions = deletions
        assert(produceRequests.count == ProduceAcks.allCases.count)
        assert(fetchRequests.count == FetchRequestType.allCases.count)
    }
}
