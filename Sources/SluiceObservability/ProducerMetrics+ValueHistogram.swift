import Prometheus

extension ProducerMetrics {
    /// The value histogram series of `definition` with `labelValues`, always with its help text.
    ///
    /// The counterpart of `PrometheusCollectorRegistry.makeDurationHistogram(_:labelValues:buckets:)` for
    /// plain numbers (bytes, records); it belongs next to it in `PrometheusCollectorRegistry+Definition.swift`.
    static func makeValueHistogram(
        _ registry: PrometheusCollectorRegistry,
        _ definition: MetricDefinition,
        labelValues: [String] = [],
        buckets: [Double]
    ) -> ValueHistogram {
        precondition(definition.kind == .histogram, "\(definition.name) is a \(definition.kind), not a histogram")
        precondition(
            labelValues.count == definition.labelNames.count,
            "\(definition.name) takes labels \(definition.labelNames), got \(labelValues.count) values"
        )
        precondition(!buckets.isEmpty, "\(definition.name) without buckets")
        return registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(metricName: definition.name, unitName: "", helpText: definition.help),
            labels: Array(zip(definition.labelNames, labelValues)),
            buckets: buckets
        )
    }
}
