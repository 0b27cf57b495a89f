extension BrokerMetrics {
    /// The whole registry in Prometheus text format 0.0.4, process metrics refreshed first. Serve it with
    /// ``contentType`` on `GET /metrics`.
    public func emit() -> String {
        process.refresh()
        return registry.emitToString()
    }

    /// Appends the exposition (process metrics refreshed first) to `buffer` as UTF-8 bytes, for handlers
    /// that reuse a buffer between scrapes.
    public func emit(into buffer: inout [UInt8]) {
        process.refresh()
        registry.emit(into: &buffer)
    }
}
