import NIOCore
import SluiceWire
import Testing

/// `produceFrameParts` writes exactly the frame protobuf-c would (length prefix included), with the batches
/// as their own buffers.
@Suite struct ProduceFrameTests {
    static func frame(_ request: Request) -> [UInt8] {
        var framed = ByteBuffer()
        FrameDecoder.writeFrame(WireCodec.encode(request), to: &framed)
        return Array(framed.readableBytesView)
    }

    static func parts(_ request: Request) -> [ByteBuffer] {
        guard case .produce(let produce) = request.body else { return [] }
        return WireCodec.produceFrameParts(
            correlationId: request.correlationId, clientId: request.clientId, produce: produce,
            allocator: ByteBufferAllocator())
    }

    @Test func partsAreProtobufCsFrameByteForByte() {
        var random = SplitMix64(seed: 0xF4A3_E5)
        for round in 0..<300 {
            var request = ProduceFastPathTests.randomProduce(&random)
            if round % 10 == 0 { request.correlationId = 0 }  // omitted field
            if round % 7 == 0, case .produce(var produce) = request.body {
                produce.topics[0].partitions[0].records = ByteBuffer()  // empty records: omitted field
                produce.acks = 0
                request.body = .produce(produce)
            }
            let joined = Self.parts(request).flatMap { Array($0.readableBytesView) }
            #expect(joined == Self.frame(request), "round \(round)")
        }
    }

    @Test func batchesAreWrittenFromTheirOwnBuffers() throws {
        let batch = ByteBuffer(bytes: [UInt8](repeating: 0x5A, count: 10_000))
        let request = Request(
            correlationId: 9, clientId: "c",
            body: .produce(
                ProduceRequest(
                    acks: -1, timeoutMs: 30_000,
                    topics: [
                        ProduceTopicData(
                            name: "t",
                            partitions: [
                                ProducePartitionData(partition: 0, records: batch),
                                ProducePartitionData(partition: 1, records: batch),
                            ])
                    ])))
        let parts = Self.parts(request)
        #expect(parts.count == 4, "envelope, batch, envelope, batch (records is the last field)")
        let batchAddress = batch.withUnsafeReadableBytes { $0.baseAddress }
        #expect(parts[1].withUnsafeReadableBytes { $0.baseAddress } == batchAddress, "the batch is not copied")
        #expect(parts.flatMap { Array($0.readableBytesView) } == Self.frame(request))
    }

    @Test func aNameWithNulIsCutThereAsProtobufCCutsIt() {
        let request = Request(
            correlationId: 1, clientId: "cli\u{0}ent",
            body: .produce(
                ProduceRequest(
                    acks: 1, timeoutMs: 1,
                    topics: [
                        ProduceTopicData(
                            name: "to\u{0}pic", partitions: [ProducePartitionData(partition: 2, records: ByteBuffer(bytes: [1]))])
                    ])))
        #expect(Self.parts(request).flatMap { Array($0.readableBytesView) } == Self.frame(request))
    }
}
