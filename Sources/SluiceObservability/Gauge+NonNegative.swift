import Prometheus

extension Gauge {
    /// Sets the gauge to a count, size or offset, which is never negative (a negative one is a caller's bug).
    /// Prometheus keeps a `Double`: exact below 2^53.
    public func set(nonNegative value: some BinaryInteger) {
        assert(value >= 0, "negative value \(value) for a gauge that counts")
        set(to: Double(value))
    }
}
