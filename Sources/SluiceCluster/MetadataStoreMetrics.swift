import Prometheus
import SluiceObservability
import Synchronization

extension MetricDefinition {
    // MARK: Metadata store (observability.md)

    /// `sluice_metadata_store_up`: 1 while the store answers and this broker's session is alive.
    public static let metadataStoreUp = MetricDefinition(
        name: "sluice_metadata_store_up", kind: .gauge,
        help: "1 while the metadata store answers and this broker's session is alive, else 0."
    )
    /// `sluice_metadata_store_request_seconds{op}`: store round trips.
    public static let metadataStoreRequestSeconds = MetricDefinition(
        name: "sluice_metadata_store_request_seconds", kind: .histogram, labelNames: ["op"],
        help: "Metadata store round trips by operation (get, txn, keepalive, watch)."
    )
    /// `sluice_broker_session_losses_total`: sessions found expired.
    public static let brokerSessionLosses = MetricDefinition(
        name: "sluice_broker_session_losses_total", kind: .counter,
        help: "Times this broker found its metadata session expired."
    )
}

/// The etcd metadata store's metrics (observability.md), declared at start on the broker's registry: every `op`
/// series of the request histogram exists (zero-valued) before the first request.
///
/// `up` is 1 while the last request succeeded and no session of this store was found expired (a new
/// registration clears that), else 0.
public final class MetadataStoreMetrics: Sendable {
    /// Every metric this type declares.
    public static let definitions: [MetricDefinition] = [
        .metadataStoreUp, .metadataStoreRequestSeconds, .brokerSessionLosses,
    ]

    private struct Health {
        var answering = false
        var sessionLost = false
    }

    let up: Gauge
    let sessionLosses: Prometheus.Counter
    private let requestDurations: [String: DurationHistogram]
    private let health = Mutex(Health())

    /// Declares the metrics on `registry` (up = 0 until the first request succeeds).
    public init(registry: PrometheusCollectorRegistry) {
        up = registry.makeGauge(.metadataStoreUp)
        sessionLosses = registry.makeCounter(.brokerSessionLosses)
        var durations: [String: DurationHistogram] = [:]
        for op in EtcdGateway.Op.allCases {
            durations[op.rawValue] = registry.makeDurationHistogram(.metadataStoreRequestSeconds, labelValues: [op.rawValue])
        }
        requestDurations = durations
        up.set(Int64(0))
    }

    func observe(op: EtcdGateway.Op, duration: Duration) {
        requestDurations[op.rawValue]?.record(duration)
    }

    func requestSucceeded() { update { $0.answering = true } }

    /// The embedded store lives in the broker's own process: it always answers (up = 1).
    public func markEmbeddedStoreUp() { update { $0.answering = true } }

    func requestFailed() { update { $0.answering = false } }

    /// A session of this store was found expired: counted, and up = 0 until a new registration.
    func sessionExpired() {
        sessionLosses.increment(by: Int64(1))
        update { $0.sessionLost = true }
    }

    /// A new session was registered.
    func sessionStarted() { update { $0.sessionLost = false } }

    private func update(_ change: (inout Health) -> Void) {
        let value = health.withLock { state -> Int64 in
            change(&state)
            return state.answering && !state.sessionLost ? 1 : 0
        }
        up.set(value)
    }
}
