/// A `LogObserver` that ignores everything: tools, tests and benchmarks.
public struct NoLogObserver: LogObserver {
    /// The observer that observes nothing.
    public init() {}
}
