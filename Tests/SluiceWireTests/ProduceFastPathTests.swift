import NIOCore
import SluiceWire
import Testing

/// `decodeProduceFastPath` against protobuf-c: on every frame it takes, it must decode exactly what
/// protobuf-c decodes, and it must leave every frame it does not take to protobuf-c (nil).
@Suite struct ProduceFastPathTests {
    /// A Produce request of random shape: topics, partitions (negative numbers too) and batch bytes.
    static func randomProduce(_ random: inout SplitMix64) -> Request {
        let topics = (0..<(1 + random.below(3))).map { topicIndex in
            ProduceTopicData(
                name: "topic-\(topicIndex)-é",
                partitions: (0..<(1 + random.below(4))).map { _ in
                    ProducePartitionData(
                        partition: Int32(random.below(40)) - 5,
                        records: ByteBuffer(bytes: random.bytes(random.below(300))))
                })
        }
        let acks: Int16 = [0, 1, -1][random.below(3)]
        return Request(
            correlationId: Int32(truncatingIfNeeded: random.next()), clientId: random.below(2) == 0 ? "" : "perf",
            body: .produce(ProduceRequest(acks: acks, timeoutMs: Int32(random.below(60_000)), topics: topics)))
    }

    /// The parts of a decoded Produce request that must agree, as plain values.
    static func summary(_ request: Request) -> [String] {
        guard case .produce(let produce) = request.body else { return ["not produce"] }
        var lines = ["\(request.correlationId) \(request.clientId) \(produce.acks) \(produce.timeoutMs)"]
        for topic in produce.topics {
            lines.append("topic \(topic.name)")
            for partition in topic.partitions {
                lines.append("\(partition.partition): \(Array(partition.records.readableBytesView))")
            }
        }
        return lines
    }

    @Test func decodesWhatProtobufCDecodesWithBatchesSlicedFromTheFrame() throws {
        var random = SplitMix64(seed: 0x5EED_FA57)
        for round in 0..<300 {
            let body = WireCodec.encode(Self.randomProduce(&random))
            let fast = try #require(WireCodec.decodeProduceFastPath(body), "round \(round): not taken")
            let slow = try WireCodec.decodeRequestWithProtobufC(body)
            #expect(Self.summary(fast) == Self.summary(slow), "round \(round)")
        }
    }

    @Test func batchesAreSlicesOfTheFrameNotCopies() throws {
        let batch = [UInt8](repeating: 0xAB, count: 4_096)
        let body = WireCodec.encode(
            Request(
                correlationId: 7,
                body: .produce(
                    ProduceRequest(
                        acks: 1, timeoutMs: 30_000,
                        topics: [
                            ProduceTopicData(
                                name: "t", partitions: [ProducePartitionData(partition: 0, records: ByteBuffer(bytes: batch))])
                        ]))))
        let decoded = try #require(WireCodec.decodeProduceFastPath(body))
        guard case .produce(let produce) = decoded.body else { return }
        let records = produce.topics[0].partitions[0].records
        #expect(Array(records.readableBytesView) == batch)
        // Same storage: the slice's bytes lie inside the frame's.
        let frameRange = body.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress!)..<UInt(bitPattern: $0.baseAddress! + $0.count) }
        let sliceStart = records.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress!) }
        #expect(frameRange.contains(sliceStart))
    }

    @Test func framesItDoesNotTakeAreLeftToProtobufC() throws {
        let produce = ProtoBytes().varint(1, 1).message(
            3, ProtoBytes().lengthDelimited(1, Array("t".utf8)).message(
                2, ProtoBytes().varint(1, 0).lengthDelimited(2, [1, 2, 3])))
        let cases: [(String, [UInt8])] = [
            ("another API", ProtoBytes().varint(1, 3).message(10, ProtoBytes().varint(1, 1)).bytes),
            ("no body", ProtoBytes().varint(1, 3).bytes),
            ("correlation id twice", ProtoBytes().varint(1, 3).varint(1, 4).message(14, produce).bytes),
            ("unknown field in the frame", ProtoBytes().varint(1, 3).varint(9, 1).message(14, produce).bytes),
            ("acks beyond Int16", ProtoBytes().varint(1, 3).message(14, ProtoBytes().varint(1, 40_000)).bytes),
            ("acks as a length-delimited field", ProtoBytes().message(14, ProtoBytes().lengthDelimited(1, [1])).bytes),
            ("a topic name with NUL", ProtoBytes().message(
                14, ProtoBytes().message(3, ProtoBytes().lengthDelimited(1, [0x74, 0, 0x75]))).bytes),
            ("a topic name not UTF-8", ProtoBytes().message(
                14, ProtoBytes().message(3, ProtoBytes().lengthDelimited(1, [0xC3, 0x28]))).bytes),
            ("records twice", ProtoBytes().message(
                14, ProtoBytes().message(
                    3, ProtoBytes().message(2, ProtoBytes().lengthDelimited(2, [1]).lengthDelimited(2, [2])))).bytes),
        ]
        for (name, bytes) in cases {
            #expect(WireCodec.decodeProduceFastPath(ByteBuffer(bytes: bytes)) == nil, "\(name)")
        }
        // Truncated anywhere: never taken as something else, never a crash.
        let whole = ProtoBytes().varint(1, 3).message(14, produce).bytes
        #expect(WireCodec.decodeProduceFastPath(ByteBuffer(bytes: whole)) != nil)
        for cut in 1..<whole.count {
            let prefix = ByteBuffer(bytes: whole[..<cut])
            if let taken = WireCodec.decodeProduceFastPath(prefix) {
                // A cut between fields is itself a valid, shorter frame: protobuf-c must read it the same.
                #expect(Self.summary(taken) == Self.summary(try WireCodec.decodeRequestWithProtobufC(prefix)))
            }
        }
    }

    @Test func mutatedFramesDecodeAsProtobufCDecodesThemOrAreLeftToIt() throws {
        var random = SplitMix64(seed: 0xB17F_11B5)
        for round in 0..<2_000 {
            var bytes = Array(WireCodec.encode(Self.randomProduce(&random)).readableBytesView)
            for _ in 0..<(1 + random.below(3)) {
                bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            let body = ByteBuffer(bytes: bytes)
            guard let fast = WireCodec.decodeProduceFastPath(body) else { continue }
            let slow = try? WireCodec.decodeRequestWithProtobufC(body)
            #expect(slow.map(Self.summary) == Self.summary(fast), "round \(round)")
        }
    }
}
