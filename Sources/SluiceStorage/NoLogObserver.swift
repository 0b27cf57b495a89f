/// A `LogObserver` that ignores everything: tools, tests and benchmarks.
public struct NoLogObserver: LogObserver {
    public init() {}
}
