import NIOCore
import SluiceWire

/// What `BrokerConnection` writes into its pipeline: a request body and, unless the request expects
/// no response (acks=0 produce), the promise its response completes. `ResponseMatcher` assigns the
/// correlation id on the event loop, so ids follow write order.
struct OutboundRequest: Sendable {
    let body: RequestBody
    let responsePromise: EventLoopPromise<Response>?
}
