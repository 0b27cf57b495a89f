import Prometheus

/// The producer's metrics (observability.md, "Producer"), declared with help text on a registry that the
/// embedding program exposes — `sluiced` shares the broker's, so `/metrics` shows the gateway's producer.
public final class ProducerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// Declares every producer metric on `registry` (zero-valued, known labels registered).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }
}
