import Prometheus
import SluiceObservability

/// The producer gateway's metrics (observability.md, "Process and build": `sluice_gateway_requests_total{code}`,
/// `sluice_gateway_request_seconds`), declared with help text on the registry `/metrics` emits.
///
/// The `code` label is bounded: only the statuses in ``codes`` exist, each registered zero-valued at init
/// so that rates and absence alerts work before the first request.
public final class GatewayMetrics: Sendable {
    /// Every metric this type declares, for tests and for checking dashboards against real names.
    public static let definitions: [MetricDefinition] = [.gatewayRequests, .gatewayRequestDuration]

    /// The HTTP status codes the gateway answers with: 200 (records attempted; per-record errors are in the
    /// body), 404 (unknown topic or partition), 413 (body over `gateway.max.request.bytes`), 415 (content
    /// type), 422 (malformed body), 500 (internal or metadata failure).
    public static let codes: [Int] = [200, 404, 413, 415, 422, 500]

    let requests: LabelledSeries<Int, Prometheus.Counter>
    let duration: DurationHistogram

    /// Declares the gateway's metrics on `registry` (share the broker's so one scrape shows everything).
    public init(registry: PrometheusCollectorRegistry) {
        self.requests = LabelledSeries(Self.codes) { code in
            registry.makeCounter(.gatewayRequests, labelValues: [String(code)])
        }
        self.duration = registry.makeDurationHistogram(.gatewayRequestDuration)
        assert(requests.count == Self.codes.count)
    }

    /// One gateway request answered with HTTP status `code` after `duration`. `code` must be one of
    /// ``codes``: the label set stays bounded, and a new status needs a declaration here first.
    public func recordRequest(code: Int, duration: Duration) {
        requests[code].increment(by: Int64(1))
        self.duration.record(max(duration, .zero))
    }
}
