import Prometheus
import Testing

@testable import SluiceObservability

/// The machinery every module's metrics type declares its series with: definitions, buckets, handle maps and
/// closed label sets.
@Suite struct MetricMachineryTests {
    enum Color: String, CaseIterable { case red, green }

    @Test func latencyBucketsSpanFiftyMicrosecondsToTenSecondsInSmallSteps() {
        let buckets = MetricBuckets.latency
        #expect(buckets.first == .microseconds(50))
        #expect(buckets.last == .seconds(10))
        for (lower, upper) in zip(buckets, buckets.dropFirst()) {
            #expect(lower < upper)
            #expect(upper / lower <= 2.5)
        }
    }

    @Test func geometricBucketsRunFromFirstToLastByTheFactor() {
        #expect(MetricBuckets.geometric(from: 1, to: 64, factor: 4) == [1, 4, 16, 64])
        #expect(MetricBuckets.geometric(from: 8, to: 8, factor: 2) == [8])
    }

    @Test func factoriesDeclareTheirKindAndLabels() {
        let counter = MetricDefinition.counter("sluice_test_things_total", labels: ["topic"], help: "Things.")
        #expect(counter.kind == .counter)
        #expect(counter.labelNames == ["topic"])
        #expect(MetricDefinition.gauge("sluice_test_depth", help: "Depth.").kind == .gauge)
        #expect(MetricDefinition.histogram("sluice_test_size_bytes", help: "Sizes.").labelNames.isEmpty)
        #expect(!MetricDefinition.isValidName("9starts_with_a_digit"))
        #expect(!MetricDefinition.isValidName("has-dash"))
    }

    @Test func valueHistogramsAreDeclaredWithHelpAndTheirBuckets() {
        let registry = PrometheusCollectorRegistry()
        let definition = MetricDefinition.histogram("sluice_test_batch_bytes", help: "Bytes per test batch.")
        registry.makeValueHistogram(definition, buckets: [10, 100]).record(50.0)
        let text = registry.emitToString()
        #expect(text.contains("# HELP sluice_test_batch_bytes Bytes per test batch.\n"))
        #expect(text.contains("sluice_test_batch_bytes_bucket{le=\"10.0\"} 0\n"))
        #expect(text.contains("sluice_test_batch_bytes_bucket{le=\"100.0\"} 1\n"))
    }

    @Test func handlesAreMadeOnceAndRemovedByKeyOrMatch() {
        let handles = MetricHandles<String, Box>()
        var made = 0
        let first = handles.handle("a/0") { made += 1; return Box() }
        #expect(handles.handle("a/0") { made += 1; return Box() } === first)
        _ = handles.handle("a/1") { Box() }
        _ = handles.handle("b/0") { Box() }
        #expect(made == 1)
        #expect(handles.removeAll(where: { $0.hasPrefix("a/") }).count == 2)
        #expect(handles.remove("a/0") == nil)
        #expect(handles.remove("b/0") != nil)
        #expect(handles.handle("a/0") { Box() } !== first, "a removed key starts over")
    }

    @Test func labelledSeriesExistForEveryDeclaredValueAtZero() {
        let registry = PrometheusCollectorRegistry()
        let definition = MetricDefinition.counter("sluice_test_colors_total", labels: ["color"], help: "Colors.")
        let series = LabelledSeries<Color, Prometheus.Counter> { registry.makeCounter(definition, labelValues: [$0.rawValue]) }
        #expect(series.count == 2)
        series[.green].increment(by: Int64(3))
        let text = registry.emitToString()
        #expect(text.contains("sluice_test_colors_total{color=\"red\"} 0\n"))
        #expect(text.contains("sluice_test_colors_total{color=\"green\"} 3\n"))
    }

    @Test func partitionLabelsAreTopicThenPartition() {
        #expect(MetricLabels.partition(topic: "orders", partition: 7) == ["orders", "7"])
        #expect(MetricLabels.topic("orders") == ["orders"])
    }

    final class Box: Sendable {}
}
