import SluiceClient

/// The sender's connection to one broker node.
enum NodeConnection: Sendable {
    /// A connect job runs.
    case connecting
    /// Open; requests are pipelined on it.
    case ready(BrokerConnection)
    /// The last connect failed; try again after this monotonic time (retry.backoff.ms later).
    case backingOff(untilNanos: Int64)
}
