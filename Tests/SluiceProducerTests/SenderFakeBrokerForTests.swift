import NIOCore
import NIOPosix
import SluiceWire
import Synchronization

/// A scripted one-node broker on loopback for sender tests: answers Metadata (topic `t`, `partitions`
/// partitions, all led by itself), InitProducerId (assigned or UNSUPPORTED_VERSION) and Produce (offsets per
/// partition, idempotent duplicates answered with their first offset, scripted errors and lost answers).
final class FakeBroker: Sendable {
    /// What the broker does next, and what it saw.
    struct Script: Sendable {
        var supportsInitProducerId = true
        /// Partition error codes for the next produce answers, one per request, then NONE.
        var produceErrors: [ErrorCode] = []
        /// Produce requests to swallow (no answer) before answering again.
        var answersToDrop = 0
        /// Stop answering produce requests altogether.
        var isFrozen = false
        /// Produce requests to answer by closing the connection (after appending them).
        var connectionsToClose = 0
        var nextOffsets: [Int32: Int64] = [:]
        /// (producer id, base sequence) → first offset, per partition.
        var sequences: [Int32: [Int32: Int64]] = [:]
        var metadataRequests = 0
        var produceRequests = 0
        /// Headers of every batch received, in arrival order.
        var batches: [(partition: Int32, header: RecordBatchHeader)] = []
        /// Records appended (duplicates not counted).
        var appendedRecords = 0
    }

    let port: Int
    let partitions: Int32
    let script: Mutex<Script>
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    private init(port: Int, partitions: Int32, script: Script, channel: any Channel, group: MultiThreadedEventLoopGroup)
    {
        self.port = port
        self.partitions = partitions
        self.script = Mutex(script)
        self.channel = channel
        self.group = group
    }

    /// Starts listening on a free loopback port.
    static func start(partitions: Int32 = 1, script: Script = Script()) async throws -> FakeBroker {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let holder = BrokerHolder()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameBytes: 64 << 20)))
                    try channel.pipeline.syncOperations.addHandler(FakeBrokerHandler(holder: holder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let broker = FakeBroker(
            port: channel.localAddress!.port!, partitions: partitions, script: script, channel: channel, group: group)
        holder.broker.withLock { $0 = broker }
        return broker
    }

    /// The bootstrap address.
    var bootstrap: String { "127.0.0.1:\(port)" }

    func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    /// The answer to `request`, or nil to stay silent; correlation id -1 means: close the connection.
    func answer(_ request: Request) -> Response? {
        switch request.body {
        case .metadata(let metadata):
            script.withLock { $0.metadataRequests += 1 }
            return Response(correlationId: request.correlationId, body: .metadata(self.metadata(metadata.topics)))
        case .initProducerId:
            guard script.withLock({ $0.supportsInitProducerId }) else {
                return Response(
                    correlationId: request.correlationId, errorCode: .unsupportedVersion,
                    errorMessage: "InitProducerId is not implemented", body: .none)
            }
            let answer = InitProducerIdResponse(producerId: 7, producerEpoch: 0)
            return Response(correlationId: request.correlationId, body: .initProducerId(answer))
        case .produce(let produce):
            return self.produce(produce, correlationId: request.correlationId)
        default:
            return Response(correlationId: request.correlationId, errorCode: .invalidRequest, body: .none)
        }
    }

    private func metadata(_ topics: [String]?) -> MetadataResponse {
        let partitions = (0..<partitions).map {
            PartitionMetadata(partition: $0, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1])
        }
        let answered = (topics ?? ["t"]).map { name in
            name == "t"
                ? TopicMetadata(name: name, partitions: partitions)
                : TopicMetadata(errorCode: .unknownTopicOrPartition, name: name, partitions: [])
        }
        return MetadataResponse(
            brokers: [BrokerInfo(nodeId: 1, host: "127.0.0.1", port: Int32(port))], clusterId: "fake",
            controllerId: 1, topics: answered)
    }

    private func produce(_ request: ProduceRequest, correlationId: Int32) -> Response? {
        script.withLock { script -> Response? in
            script.produceRequests += 1
            let error = script.produceErrors.isEmpty ? ErrorCode.none : script.produceErrors.removeFirst()
            var answers: [ProduceTopicResponse] = []
            for topic in request.topics {
                let partitions = topic.partitions.map { data in
                    Self.append(data, error: error, script: &script)
                }
                answers.append(ProduceTopicResponse(name: topic.name, partitions: partitions))
            }
            if script.connectionsToClose > 0 {
                script.connectionsToClose -= 1
                return Response(correlationId: -1, errorCode: .networkException, body: .none)
            }
            guard request.acks != 0, !script.isFrozen else { return nil }
            if script.answersToDrop > 0 {
                script.answersToDrop -= 1
                return nil
            }
            return Response(correlationId: correlationId, body: .produce(ProduceResponse(topics: answers)))
        }
    }

    private static func append(_ data: ProducePartitionData, error: ErrorCode, script: inout Script)
        -> ProducePartitionResponse
    {
        let header = data.records.withUnsafeReadableBytes { try? RecordBatchHeader.validate($0).get() }
        guard let header else { return ProducePartitionResponse(partition: data.partition, errorCode: .corruptMessage) }
        script.batches.append((data.partition, header))
        guard error == .none else { return ProducePartitionResponse(partition: data.partition, errorCode: error) }
        if header.producerId >= 0, let first = script.sequences[data.partition]?[header.baseSequence] {
            return ProducePartitionResponse(
                partition: data.partition, errorCode: .duplicateSequenceNumber, baseOffset: first)
        }
        let offset = script.nextOffsets[data.partition] ?? 0
        script.nextOffsets[data.partition] = offset + Int64(header.recordCount)
        script.appendedRecords += Int(header.recordCount)
        if header.producerId >= 0 { script.sequences[data.partition, default: [:]][header.baseSequence] = offset }
        return ProducePartitionResponse(partition: data.partition, baseOffset: offset)
    }
}

/// Lets the handlers reach the broker created after the channel is bound.
final class BrokerHolder: Sendable {
    let broker = Mutex<FakeBroker?>(nil)
}

/// Decodes request frames and writes the broker's answers.
final class FakeBrokerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let holder: BrokerHolder

    init(holder: BrokerHolder) {
        self.holder = holder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let request = try? WireCodec.decodeRequest(unwrapInboundIn(data)),
            let broker = holder.broker.withLock({ $0 }), let response = broker.answer(request)
        else { return }
        if response.correlationId == -1 {
            context.close(promise: nil)
            return
        }
        var frame = context.channel.allocator.buffer(capacity: 256)
        FrameDecoder.writeFrame(WireCodec.encode(response), to: &frame)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }
}
