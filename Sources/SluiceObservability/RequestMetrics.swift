import Prometheus

/// A request counter and its latency histogram for one label value (`acks="1"`, `type="consumer"`): the
/// pair a module keeps per value of a ``LabelledSeries``.
public struct RequestMetrics: Sendable {
    let count: Prometheus.Counter
    let latency: DurationHistogram

    /// Declares both series of `label` on `registry`; `count` and `latency` take the same one label.
    public init(
        registry: PrometheusCollectorRegistry, count: MetricDefinition, latency: MetricDefinition, label: String
    ) {
        precondition(count.labelNames == latency.labelNames, "\(count.name) and \(latency.name) label differently")
        precondition(count.labelNames.count == 1, "\(count.name) takes \(count.labelNames.count) labels, not one")
        self.count = registry.makeCounter(count, labelValues: [label])
        self.latency = registry.makeDurationHistogram(latency, labelValues: [label])
    }

    /// One request handled in `duration`.
    public func record(_ duration: Duration) {
        count.increment(by: Int64(1))
        latency.record(max(duration, .zero))
    }
}
