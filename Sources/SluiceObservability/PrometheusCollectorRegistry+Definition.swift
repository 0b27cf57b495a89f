import Prometheus

/// Declaring catalogue metrics from a ``MetricDefinition``, always with its help text (so `promtool check
/// metrics` passes) and with label values checked against its label names. Every module's metrics type
/// (`BrokerMetrics`, `ProducerMetrics`, `GatewayMetrics`) declares its series with these, on one registry
/// in `sluiced` or on an application's own.
extension PrometheusCollectorRegistry {
    /// The counter series of `definition` with `labelValues` (one per label name, same order). Returns the
    /// existing series when already registered, so two callers share one counter.
    public func makeCounter(_ definition: MetricDefinition, labelValues: [String] = []) -> Prometheus.Counter {
        precondition(definition.kind == .counter, "\(definition.name) is a \(definition.kind), not a counter")
        return makeCounter(descriptor: Self.descriptor(definition), labels: Self.labels(definition, labelValues))
    }

    /// The gauge series of `definition` with `labelValues`.
    public func makeGauge(_ definition: MetricDefinition, labelValues: [String] = []) -> Gauge {
        precondition(definition.kind == .gauge, "\(definition.name) is a \(definition.kind), not a gauge")
        return makeGauge(descriptor: Self.descriptor(definition), labels: Self.labels(definition, labelValues))
    }

    /// The duration histogram series of `definition` with `labelValues`, observed in seconds.
    public func makeDurationHistogram(
        _ definition: MetricDefinition,
        labelValues: [String] = [],
        buckets: [Duration] = MetricBuckets.latency
    ) -> DurationHistogram {
        precondition(definition.kind == .histogram, "\(definition.name) is a \(definition.kind), not a histogram")
        return makeDurationHistogram(
            descriptor: Self.descriptor(definition),
            labels: Self.labels(definition, labelValues),
            buckets: buckets
        )
    }

    /// The value histogram series of `definition` with `labelValues`, for plain numbers (bytes, records).
    public func makeValueHistogram(
        _ definition: MetricDefinition,
        labelValues: [String] = [],
        buckets: [Double]
    ) -> ValueHistogram {
        precondition(definition.kind == .histogram, "\(definition.name) is a \(definition.kind), not a histogram")
        precondition(!buckets.isEmpty, "\(definition.name) without buckets")
        return makeValueHistogram(
            descriptor: Self.descriptor(definition),
            labels: Self.labels(definition, labelValues),
            buckets: buckets
        )
    }

    private static func descriptor(_ definition: MetricDefinition) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: definition.name, unitName: "", helpText: definition.help)
    }

    private static func labels(_ definition: MetricDefinition, _ values: [String]) -> [(String, String)] {
        precondition(
            values.count == definition.labelNames.count,
            "\(definition.name) takes labels \(definition.labelNames), got \(values.count) values"
        )
        return Array(zip(definition.labelNames, values))
    }
}
