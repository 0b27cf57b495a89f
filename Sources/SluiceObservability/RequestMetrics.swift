import Prometheus

/// A request counter and its latency histogram for one label value (`acks="1"`, `type="consumer"`).
struct RequestMetrics: Sendable {
    let count: Prometheus.Counter
    let latency: DurationHistogram

    init(registry: PrometheusCollectorRegistry, count: MetricDefinition, latency: MetricDefinition, label: String) {
        precondition(count.labelNames == latency.labelNames, "\(count.name) and \(latency.name) label differently")
        self.count = registry.makeCounter(count, labelValues: [label])
        self.latency = registry.makeDurationHistogram(latency, labelValues: [label])
    }

    /// One request handled in `duration`.
    func record(_ duration: Duration) {
        count.increment(by: Int64(1))
        latency.record(max(duration, .zero))
    }
}
