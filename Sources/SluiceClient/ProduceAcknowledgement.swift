import SluiceWire

/// The broker's answer to one partition's batch, with the time it took.
public struct ProduceAcknowledgement: Sendable {
    /// The partition's result: base offset on success, or the error code and message.
    public let response: ProducePartitionResponse
    /// From the request's write to its response (acks=0: to the write's completion). Measured on the
    /// event loop when the response arrives, so a caller that awaits late does not inflate it.
    public let latency: Duration

    /// An acknowledgement.
    public init(response: ProducePartitionResponse, latency: Duration) {
        self.response = response
        self.latency = latency
    }
}
