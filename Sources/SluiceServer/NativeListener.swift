import Logging
import NIOCore
import NIOPosix
import SluiceBroker
import SluiceConfig
import SluiceGroups
import SluiceKafka
import SluiceWire

/// The listener of `listeners`: accepts connections and serves each one's frames in order, native frames through
/// the broker's handler and Kafka requests (told apart by their first byte) through `KafkaRequestHandler`.
///
/// Requests on one connection are handled one after another and answered in order (clients pipeline
/// by sending several before reading); connections run concurrently in a discarding task group.
/// Responses go out as frame parts (`FramePartWriter`): a Fetch response's batches are sent from the segment
/// files with sendfile, the protobuf envelope around them written by hand.
struct NativeListener: Sendable {
    typealias Connection = NIOAsyncChannel<ByteBuffer, [FramePart]>
    typealias ServerChannel = NIOAsyncChannel<Connection, Never>

    let handler: BrokerRequestHandler
    let maxFrameBytes: Int
    let logger: Logger
    /// `sluice_broker_requests_total{protocol="native"}` and the request errors.
    let metrics: BrokerMetrics
    /// Kafka requests on this port: decoded into the native requests they mean, answered through `handler`.
    let kafka: KafkaRequestHandler

    init(
        handler: BrokerRequestHandler, metrics: BrokerMetrics, config: BrokerConfig, coordinator: GroupCoordinator,
        logger: Logger
    ) {
        self.handler = handler
        self.maxFrameBytes = config.socketRequestMaxBytes
        self.logger = logger
        self.metrics = metrics
        self.kafka = KafkaRequestHandler(
            broker: handler, logger: logger, metrics: metrics, config: config, coordinator: coordinator)
        metrics.registerRequests(apis: KafkaApiKey.allCases.map(\.name), protocol: .kafka)
    }

    /// Binds `host:port` (port 0 picks a free one); the returned channel's local address has the real port.
    static func bind(host: String, port: Int, maxFrameBytes: Int, group: any EventLoopGroup) async throws -> ServerChannel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(FramePartWriter())
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Accepts until the server channel closes; each connection gets its own child task.
    func serve(_ server: ServerChannel) async {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serveConnection(connection) }
                    }
                }
            }
        } catch {
            logger.error("native listener stopped: \(error)")
        }
    }

    private func serveConnection(_ connection: Connection) async {
        let peer = connection.channel.remoteAddress?.description ?? "unknown peer"
        do {
            try await connection.executeThenClose { inbound, outbound in
                do {
                    for try await frame in inbound {
                        guard let reply = await respond(to: frame, peer: peer) else { return }
                        if let bytes = reply.bytes { try await outbound.write(bytes) }
                        if reply.close { return }
                    }
                } catch FrameError.http(let firstLine) {
                    logger.warning(
                        """
                        closing connection from \(peer): an HTTP client reached the native listener \
                        ('\(firstLine)'); HTTP (metrics, health, gateway) is served on http.listener
                        """)
                    // Tell the HTTP client too (curl prints it), then close.
                    try? await outbound.write([.bytes(ByteBuffer(string: Self.httpRefusal))])
                }
            }
        } catch let error as FrameError {
            logger.warning("closing connection from \(peer): \(error)")
        } catch {
            logger.debug("connection from \(peer) ended: \(error)")
        }
    }

    /// What to send back for one frame: bytes (nil for acks=0 produce) and whether to close afterwards.
    private func respond(to frame: ByteBuffer, peer: String) async -> (bytes: [FramePart]?, close: Bool)? {
        if KafkaRequest.isKafka(frame: frame) {
            return await kafka.respond(to: frame, peer: peer)
        }
        let request: Request
        do { request = try WireCodec.decodeRequest(frame) } catch {
            guard let correlationId = error.correlationId else {
                logger.warning("closing connection from \(peer): frame is not a valid request (\(error))")
                return nil
            }
            let response = Response(correlationId: correlationId, errorCode: error.code, errorMessage: error.message, body: .none)
            return (Self.frame(response), false)
        }
        let noResponse: Bool = if case .produce(let produce) = request.body, produce.acks == 0 { true } else { false }
        let api = request.body.apiName
        let response = await handler.handle(consume request)
        metrics.recordRequest(
            api: api, protocol: .native, errors: response.body.errorCodes.union([response.errorCode]).subtracting([.none]))
        guard noResponse else { return (Self.frame(response), false) }
        // acks=0: no response; on error close the connection so the producer notices (Kafka's behaviour).
        if case .produce(let produce) = response.body,
            produce.topics.contains(where: { $0.partitions.contains { $0.errorCode != .none } }) {
            logger.warning("closing connection from \(peer): acks=0 produce failed")
            return (nil, true)
        }
        return (nil, false)
    }

    /// The answer to an HTTP request on the native port: a 400 saying where HTTP is served.
    static let httpRefusal: String = {
        let body = "This is Sluice's native protocol port. HTTP is served on the broker's http.listener.\n"
        return "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    }()

    private static func frame(_ response: Response) -> [FramePart] {
        if case .fetch(let fetch) = response.body {
            return WireCodec.fetchResponseFrameParts(response, fetch: fetch, allocator: allocator)
        }
        let body = WireCodec.encode(response)
        var out = allocator.buffer(capacity: body.readableBytes + 4)
        FrameDecoder.writeFrame(body, to: &out)
        return [.bytes(out)]
    }

    private static let allocator = ByteBufferAllocator()
}
