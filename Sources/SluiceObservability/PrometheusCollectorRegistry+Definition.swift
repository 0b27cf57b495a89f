import Prometheus

/// Declaring catalogue metrics from a ``MetricDefinition``, always with its help text (so `promtool check
/// metrics` passes) and with label values checked against its label names. Other modules' metrics types
/// (the producer's) use these on the registry they share with ``BrokerMetrics``.
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
