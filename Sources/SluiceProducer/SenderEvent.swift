import SluiceClient
import SluiceWire

/// Something that happened off the sender's loop — on an event loop (a broker's answer, a write) or in one of
/// its side jobs (connect, metadata, InitProducerId) — posted to its `SenderInbox` for the loop to apply.
enum SenderEvent: Sendable {
    /// A produce request (acks 1/all) was answered, or failed (connection lost, request.timeout.ms).
    case answered(requestId: UInt64, Result<Response, SluiceError>, atNanos: Int64)
    /// An acks=0 produce request was written to the socket, or failed to be.
    case written(requestId: UInt64, Result<Void, SluiceError>, atNanos: Int64)
    /// A connection to broker `node` opened, or could not be opened.
    case connected(node: Int32, Result<BrokerConnection, SluiceError>)
    /// A metadata refresh finished; the accumulator already has the answer when it succeeded.
    case metadataRefreshed(succeeded: Bool)
    /// InitProducerId answered.
    case identity(IdentityAnswer)

    /// What InitProducerId came to.
    enum IdentityAnswer: Sendable {
        case assigned(ProducerIdentity)
        /// The broker does not implement it (UNSUPPORTED_VERSION): continue without idempotence.
        case unsupported(String)
        /// Any other failure: ask again after retry.backoff.ms.
        case failed(String)
    }
}
