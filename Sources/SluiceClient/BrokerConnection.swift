import NIOCore
import NIOPosix
import SluiceWire

/// One TCP connection to one broker, with requests pipelined over it.
///
/// `write` assigns nothing itself: `ResponseMatcher` numbers requests on the event loop in write order,
/// so requests written one after another by one task reach the broker in that order (what a
/// partition's batches need). The connection is thread-safe; its state lives on its event loop.
/// When it closes, every request in flight fails with NETWORK_EXCEPTION "connection to host:port closed".
public final class BrokerConnection: Sendable {
    /// Bound on one response frame: 256 MiB (a fetch's `fetch.max.bytes` plus framing stays well below).
    public static let responseBytesMax = 256 * 1024 * 1024

    /// The broker's address as dialled.
    public let address: BrokerAddress
    private let channel: any Channel

    private init(address: BrokerAddress, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Opens a connection. Throws `ConnectError` when the broker cannot be reached within `connectTimeout`.
    ///
    /// - Parameter requestTimeout: `request.timeout.ms`; added to each request's own server-side wait.
    public static func connect(
        to address: BrokerAddress, clientId: String, group: any EventLoopGroup,
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30)
    ) async throws -> BrokerConnection {
        let requestTimeoutAmount = TimeAmount(requestTimeout)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let frames = ByteToMessageHandler(FrameDecoder(maxFrameBytes: responseBytesMax))
                    try channel.pipeline.syncOperations.addHandler(frames)
                    let matcher = ResponseMatcher(
                        address: address, clientId: clientId, requestTimeout: requestTimeoutAmount)
                    try channel.pipeline.syncOperations.addHandler(matcher)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch {
            throw ConnectError(address: address, underlying: error)
        }
        return BrokerConnection(address: address, channel: channel)
    }

    /// Whether the connection is still open (thread-safe).
    public var isActive: Bool { channel.isActive }

    /// Sends a request and waits for its response. A response whose frame-level error code is set
    /// throws `SluiceError(code, message)`; per-partition errors are left in the body for the caller.
    public func send(_ body: RequestBody) async throws -> Response {
        let response = try await write(body).get()
        try Self.checkFrame(response, apiName: body.apiName, address: address)
        return response
    }

    /// Writes a request and returns at once; the future completes with its response (frame-level
    /// errors not checked) or fails with a `SluiceError`. Calls from one task keep their order on the wire.
    public func write(_ body: RequestBody) -> EventLoopFuture<Response> {
        let responsePromise = channel.eventLoop.makePromise(of: Response.self)
        let writePromise = channel.eventLoop.makePromise(of: Void.self)
        writePromise.futureResult.whenFailure { [address] error in
            // A write to a closed channel never reaches the matcher; fail the response here.
            responsePromise.fail(Self.networkError(error, address: address))
        }
        channel.writeAndFlush(OutboundRequest(body: body, responsePromise: responsePromise), promise: writePromise)
        return responsePromise.futureResult
    }

    /// Writes a request that gets no response; the future completes once it is written to the socket.
    public func writeNoResponse(_ body: RequestBody) -> EventLoopFuture<Void> {
        let writePromise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(OutboundRequest(body: body, responsePromise: nil), promise: writePromise)
        return writePromise.futureResult.flatMapErrorThrowing { [address] error in
            throw Self.networkError(error, address: address)
        }
    }

    /// Closes the connection; requests in flight fail with NETWORK_EXCEPTION.
    public func close() async {
        try? await channel.close()
    }

    /// Throws the frame-level error of `response`, if it has one.
    static func checkFrame(_ response: Response, apiName: String, address: BrokerAddress) throws(SluiceError) {
        guard response.errorCode == .none else {
            let message =
                response.errorMessage.isEmpty ? "\(apiName) request to \(address) failed" : response.errorMessage
            throw SluiceError(response.errorCode, message)
        }
    }

    /// Maps a channel error to the client's NETWORK_EXCEPTION (a `SluiceError` passes through).
    static func networkError(_ error: any Error, address: BrokerAddress) -> SluiceError {
        if let sluiceError = error as? SluiceError { return sluiceError }
        if let channelError = error as? ChannelError,
            channelError == .ioOnClosedChannel || channelError == .alreadyClosed
        {
            return SluiceError(.networkException, "connection to \(address) closed")
        }
        return SluiceError(.networkException, "connection to \(address) failed: \(error)")
    }
}
