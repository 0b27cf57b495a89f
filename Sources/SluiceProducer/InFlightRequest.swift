import SluiceObservability

/// A produce request written to a broker and not yet answered: its batches wait here, owned by the sender.
struct InFlightRequest: Sendable {
    let id: UInt64
    let node: Int32
    /// Moved out (emptied) when the answer is applied, so each batch's buffer is uniquely held on its way
    /// back to the pool.
    var batches: [ProducerBatch]
    /// Monotonic time of the write (request latency counts from here).
    let sentNanos: Int64
    let brokerMetrics: ProducerBrokerMetrics
}
