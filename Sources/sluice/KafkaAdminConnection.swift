import NIOCore
import NIOPosix
import SluiceKafka
import SluiceWire

/// A Kafka-protocol connection from the CLI to one broker, for the group APIs the native protocol does not carry
/// (`sluice groups`): one request at a time, request header v1, each response's correlation id checked. Open
/// only inside `with(host:port:_:)`, which closes it on every path.
struct KafkaAdminConnection: ~Copyable {
    private var responses: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let requests: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var correlationId: Int32 = 0
    let address: String

    /// Connects to `host:port` and runs `body` with the connection; NETWORK_EXCEPTION naming the address when
    /// it cannot connect.
    static func with<Result: Sendable>(
        host: String, port: Int, _ body: (inout KafkaAdminConnection) async throws -> Result
    ) async throws -> Result {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(FrameDecoder(maxFrameBytes: 64 << 20)))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SluiceError(.networkException, "cannot connect to \(host):\(port): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = KafkaAdminConnection(
                responses: inbound.makeAsyncIterator(), requests: outbound, address: "\(host):\(port)")
            return try await body(&connection)
        }
    }

    private init(
        responses: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        requests: NIOAsyncChannelOutboundWriter<ByteBuffer>, address: String
    ) {
        self.responses = responses
        self.requests = requests
        self.address = address
    }

    /// Sends one request of `api` at `version` with `body` and returns the response body (after the correlation id).
    mutating func call(_ api: KafkaApiKey, version: Int16, body: ByteBuffer) async throws -> KafkaReader {
        correlationId += 1
        var writer = KafkaWriter()
        writer.int32(0)  // the frame's length, set below
        writer.int16(api.rawValue)
        writer.int16(version)
        writer.int32(correlationId)
        writer.string("sluice-cli")
        var frame = writer.buffer
        var payload = body
        frame.writeBuffer(&payload)
        frame.setInteger(Int32(frame.readableBytes - 4), at: frame.readerIndex)
        try await requests.write(frame)
        guard let response = try await responses.next() else {
            throw SluiceError(.networkException, "\(address) closed the connection on \(api.name)")
        }
        var reader = KafkaReader(response)
        guard try reader.int32() == correlationId else {
            throw SluiceError(.networkException, "\(address) answered \(api.name) out of order")
        }
        return reader
    }
}
