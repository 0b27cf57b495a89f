import NIOCore
import SluiceWire

/// The client end of a native connection: assigns correlation ids, encodes and frames requests, and
/// completes each request's promise with the response that carries its id. Many requests may be in
/// flight at once (pipelining); responses may come back in any order.
///
/// All state lives on the channel's event loop. Bound: entries in `pending` are bounded by the callers'
/// in-flight limits (`max.in.flight.requests.per.connection`); each entry also has a deadline of
/// `requestTimeout` + the request's own server-side wait (`request.timeout.ms`), after which the
/// connection is closed, as Kafka's client does.
final class ResponseMatcher: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutboundRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let promise: EventLoopPromise<Response>
        let apiName: String
        let timeout: Scheduled<Void>
    }

    private let address: BrokerAddress
    private let clientId: String
    private let requestTimeout: TimeAmount
    private var pending: [Int32: Pending] = [:]
    private var nextCorrelationId: Int32 = 1
    /// Set once the connection failed or closed; later writes fail with it at once.
    private var closedError: SluiceError?

    init(address: BrokerAddress, clientId: String, requestTimeout: TimeAmount) {
        self.address = address
        self.clientId = clientId
        self.requestTimeout = requestTimeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let closedError {
            request.responsePromise?.fail(closedError)
            promise?.fail(closedError)
            return
        }
        let correlationId = takeCorrelationId()
        if case .produce(let produce) = request.body {
            // The batches go out from their own buffers (one writev), not copied into the frame.
            let parts = WireCodec.produceFrameParts(
                correlationId: correlationId, clientId: clientId, produce: produce,
                allocator: context.channel.allocator)
            if let responsePromise = request.responsePromise {
                register(correlationId, request: request.body, promise: responsePromise, context: context)
            }
            for part in parts.dropLast() { context.write(wrapOutboundOut(part), promise: nil) }
            context.write(wrapOutboundOut(parts[parts.count - 1]), promise: promise)
            return
        }
        let body = WireCodec.encode(
            Request(correlationId: correlationId, clientId: clientId, body: request.body),
            allocator: context.channel.allocator)
        assert(body.readableBytes > 0, "an encoded request is never empty")
        if let responsePromise = request.responsePromise {
            register(correlationId, request: request.body, promise: responsePromise, context: context)
        }
        var length = context.channel.allocator.buffer(capacity: 4)
        length.writeInteger(UInt32(body.readableBytes))
        // Two writes, one writev: the body is not copied behind its length prefix.
        context.write(wrapOutboundOut(length), promise: nil)
        context.write(wrapOutboundOut(body), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            let response = try WireCodec.decodeResponse(frame)
            complete(response.correlationId, with: .success(response), context: context)
        } catch {
            guard let correlationId = error.correlationId else {
                fail(context: context, SluiceError(.networkException, "undecodable response from \(address): \(error)"))
                return
            }
            let failure = SluiceError(error.code, "undecodable response from \(address): \(error.message)")
            complete(correlationId, with: .failure(failure), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(SluiceError(.networkException, "connection to \(address) closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error as? FrameError {
        case .http(let firstLine):
            fail(context: context, Self.httpListenerError(address: address, firstLine: firstLine))
            return
        case .tooLarge(let claimed, let limit):
            // FrameError names the broker's socket.request.max.bytes; a client's bound is its own.
            let message = "\(address) sent a response frame of \(claimed) bytes, above the client's limit of \(limit)"
            fail(context: context, SluiceError(.networkException, message))
            return
        default:
            break
        }
        fail(context: context, SluiceError(.networkException, "connection to \(address) failed: \(error)"))
    }

    /// The error for a peer that answered in HTTP: the address is a broker's `http.listener`, not its native one.
    static func httpListenerError(address: BrokerAddress, firstLine: String) -> SluiceError {
        SluiceError(
            .networkException,
            "\(address) is an HTTP listener, not Sluice's native protocol (it answered '\(firstLine)'): "
                + "use the broker's PLAINTEXT listener (listeners, default port 9092), not its http.listener "
                + "(default port 9192)")
    }

    // MARK: helpers

    private func takeCorrelationId() -> Int32 {
        let correlationId = nextCorrelationId
        // Wraps to 1 after Int32.max; 2^31 requests in flight cannot happen, so ids stay unique.
        nextCorrelationId = nextCorrelationId == Int32.max ? 1 : nextCorrelationId + 1
        precondition(pending[correlationId] == nil, "correlation id \(correlationId) is already in flight")
        return correlationId
    }

    private func register(
        _ correlationId: Int32, request: RequestBody, promise: EventLoopPromise<Response>,
        context: ChannelHandlerContext
    ) {
        let waitMs = requestTimeout.nanoseconds / 1_000_000 + request.serverWaitMs
        let loopBoundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(waitMs)) {
            loopBoundSelf.value.timedOut(correlationId, afterMs: waitMs, context: loopBoundContext.value)
        }
        pending[correlationId] = Pending(promise: promise, apiName: request.apiName, timeout: timeout)
    }

    private func timedOut(_ correlationId: Int32, afterMs waitMs: Int64, context: ChannelHandlerContext) {
        guard let entry = pending.removeValue(forKey: correlationId) else { return }
        let error = SluiceError(.requestTimedOut, "\(entry.apiName) request to \(address) timed out after \(waitMs) ms")
        entry.promise.fail(error)
        // Kafka's client disconnects on a request timeout: the connection's state is unknown.
        fail(context: context, error)
    }

    private func complete(
        _ correlationId: Int32, with result: Result<Response, SluiceError>, context: ChannelHandlerContext
    ) {
        guard let entry = pending.removeValue(forKey: correlationId) else {
            fail(
                context: context,
                SluiceError(
                    .networkException, "\(address) sent a response with unknown correlation id \(correlationId)"))
            return
        }
        entry.timeout.cancel()
        entry.promise.completeWith(result.mapError { $0 as any Error })
    }

    /// Fails every request in flight and closes the connection.
    private func fail(context: ChannelHandlerContext, _ error: SluiceError) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: SluiceError) {
        if closedError == nil { closedError = error }
        let entries = pending
        pending.removeAll()
        for entry in entries.values {
            entry.timeout.cancel()
            entry.promise.fail(error)
        }
        assert(pending.isEmpty, "a promise's callback must not write to a failed connection's matcher")
    }
}

@available(*, unavailable)
extension ResponseMatcher: Sendable {}
