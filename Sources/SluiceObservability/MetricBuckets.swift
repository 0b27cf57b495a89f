/// Histogram bucket bounds shared by Sluice's metrics.
public enum MetricBuckets {
    /// 50 µs to 10 s in 1–2.5–5 steps (×2 to ×2.5), 17 bounds: resolves a sub-millisecond acks=1 append
    /// as well as a multi-second acks=all wait or a slow fsync (observability.md: "50 µs to 10 s").
    public static let latency: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
    ]

    /// `first`, `first × factor`, … up to and including `last`, which must be such a step: bounds for sizes
    /// and counts (bytes per batch, records per batch) that span several orders of magnitude.
    public static func geometric(from first: Double, to last: Double, factor: Double) -> [Double] {
        precondition(first > 0, "geometric buckets from \(first)")
        precondition(factor > 1, "geometric buckets by factor \(factor)")
        var bounds: [Double] = []
        var bound = first
        while bound <= last {
            bounds.append(bound)
            bound *= factor
        }
        precondition(bounds.last == last, "\(last) is not \(first) × \(factor)^n")
        return bounds
    }
}
