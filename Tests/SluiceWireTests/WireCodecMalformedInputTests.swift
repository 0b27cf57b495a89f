import NIOCore
import SluiceWire
import Testing

@Suite struct WireCodecMalformedInputTests {
    static func decodeRequestError(_ bytes: [UInt8]) -> DecodeError? {
        do {
            _ = try WireCodec.decodeRequest(ByteBuffer(bytes: bytes))
            return nil
        } catch {
            return error
        }
    }

    static func decodeResponseError(_ bytes: [UInt8]) -> DecodeError? {
        do {
            _ = try WireCodec.decodeResponse(ByteBuffer(bytes: bytes))
            return nil
        } catch {
            return error
        }
    }

    @Test func frameWithNoBodyIsAnInvalidRequestCarryingTheCorrelationId() throws {
        let bytes = ProtoBytes().varint(1, 4_242).lengthDelimited(2, Array("cli".utf8)).bytes
        let error = try #require(Self.decodeRequestError(bytes))
        #expect(error.correlationId == 4_242)
        #expect(error.code == .invalidRequest)
        #expect(error.message == "unknown or missing API")
    }

    @Test func frameWithAnUnknownApiIsAnInvalidRequestCarryingTheCorrelationId() throws {
        let bytes = ProtoBytes().varint(1, -9).message(99, ProtoBytes().varint(1, 1)).bytes
        let error = try #require(Self.decodeRequestError(bytes))
        #expect(error.correlationId == -9)
        #expect(error.code == .invalidRequest)
        #expect(error.message == "unknown or missing API")
    }

    @Test func bytesThatAreNotProtobufHaveNoCorrelationId() throws {
        let request = try #require(Self.decodeRequestError([0xFF, 0xFF, 0xFF]))
        #expect(request.correlationId == nil)
        #expect(request.code == .invalidRequest)
        let response = try #require(Self.decodeResponseError([0x0A, 0x05, 0x01]))  // length beyond the end
        #expect(response.correlationId == nil)
        #expect(response.code == .corruptMessage)
    }

    @Test func acksThatDoNotFitInt16AreRefused() throws {
        for acks: Int64 in [40_000, -40_000, Int64(Int32.max)] {
            let bytes = ProtoBytes().varint(1, 77).message(14, ProtoBytes().varint(1, acks)).bytes
            let error = try #require(Self.decodeRequestError(bytes), "acks \(acks)")
            #expect(error.correlationId == 77)
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("acks"))
        }
    }

    @Test func producerEpochThatDoesNotFitInt16IsRefused() throws {
        let body = ProtoBytes().varint(2, 5).varint(3, 70_000)
        let bytes = ProtoBytes().varint(1, 8).message(17, body).bytes
        let error = try #require(Self.decodeResponseError(bytes))
        #expect(error.correlationId == 8)
        #expect(error.code == .corruptMessage)
        #expect(error.message.contains("producer_epoch"))
    }

    /// protobuf-c 1.4.1 does not check UTF-8 on unpack; the codec does, rather than inventing U+FFFD names.
    @Test func invalidUTF8StringsAreRefused() throws {
        let request = ProtoBytes().varint(1, 3).lengthDelimited(2, [0x61, 0xFF, 0xFE]).message(13, ProtoBytes()).bytes
        let requestError = try #require(Self.decodeRequestError(request))
        #expect(requestError.correlationId == 3)
        #expect(requestError.code == .invalidRequest)
        #expect(requestError.message.contains("client_id"))

        let topic = ProtoBytes().lengthDelimited(1, [0xC3, 0x28])  // TopicResult.name: a broken 2-byte sequence
        let response = ProtoBytes().varint(1, 4).message(11, ProtoBytes().message(1, topic)).bytes
        let responseError = try #require(Self.decodeResponseError(response))
        #expect(responseError.correlationId == 4)
        #expect(responseError.code == .corruptMessage)
        #expect(responseError.message.contains("TopicResult.name"))
    }

    /// Every per-partition API's topic names itself in the error, as protobuf-c's descriptor names the message.
    @Test func topicNamesNotUTF8AreRefusedNamingTheirTopicMessage() throws {
        // (API field in the frame, topics field in the API's message, the topic message's name)
        let requests = [
            (14, 3, "ProduceTopicData"), (15, 5, "FetchTopic"), (16, 1, "ListOffsetsTopic"),
            (18, 2, "OffsetForLeaderEpochTopic"),
        ]
        let responses = [
            (14, 1, "ProduceTopicResponse"), (15, 1, "FetchTopicResponse"), (16, 1, "ListOffsetsTopicResponse"),
            (18, 1, "OffsetForLeaderEpochTopicResponse"),
        ]
        let topic = ProtoBytes().lengthDelimited(1, [0xC3, 0x28]).message(2, ProtoBytes().varint(1, 1))
        for (api, topics, name) in requests {
            let bytes = ProtoBytes().varint(1, 6).message(api, ProtoBytes().message(topics, topic)).bytes
            let error = try #require(Self.decodeRequestError(bytes), "\(name)")
            #expect(error.correlationId == 6)
            #expect(error.code == .invalidRequest)
            #expect(error.message == "\(name).name is not valid UTF-8")
        }
        for (api, topics, name) in responses {
            let bytes = ProtoBytes().varint(1, 7).message(api, ProtoBytes().message(topics, topic)).bytes
            let error = try #require(Self.decodeResponseError(bytes), "\(name)")
            #expect(error.correlationId == 7)
            #expect(error.code == .corruptMessage)
            #expect(error.message == "\(name).name is not valid UTF-8")
        }
    }

    @Test func unknownErrorCodesDecodeAsUnknownServerError() throws {
        let bytes = ProtoBytes().varint(1, 1).varint(2, 9_999).bytes
        #expect(try WireCodec.decodeResponse(ByteBuffer(bytes: bytes)).errorCode == .unknownServerError)
    }

    /// 65_539 = 0x1_0003: truncating to Int16 would read it as UNKNOWN_TOPIC_OR_PARTITION (3).
    @Test func errorCodesBeyondSixteenBitsDecodeAsUnknownServerError() throws {
        let bytes = ProtoBytes().varint(1, 1).varint(2, 65_539).bytes
        let decoded = try WireCodec.decodeResponse(ByteBuffer(bytes: bytes))
        #expect(decoded.errorCode == .unknownServerError)
    }

    @Test func randomBytesNeverCrashEitherDecoder() {
        var random = SplitMix64(seed: 0xF0F0_2026)
        var refusedRequests = 0
        var refusedResponses = 0
        for _ in 0..<2_000 {
            let bytes = random.bytes(random.below(257))
            if let error = Self.decodeRequestError(bytes) {
                #expect(error.code == .invalidRequest)
                refusedRequests += 1
            }
            if let error = Self.decodeResponseError(bytes) {
                #expect(error.code == .corruptMessage)
                refusedResponses += 1
            }
        }
        #expect(refusedRequests > 1_000)
        #expect(refusedResponses > 1_000)
    }

    /// Valid frames cut at every length and with random bytes changed: protobuf-shaped garbage reaches
    /// much deeper into the decoders than uniform noise does.
    @Test func truncatedAndMutatedValidFramesNeverCrash() {
        var random = SplitMix64(seed: 42)
        let frames = Self.sampleFrames()
        for frame in frames {
            for length in 0..<frame.count {
                Self.decodeBoth(Array(frame.prefix(length)))
            }
            for _ in 0..<200 {
                var mutated = frame
                for _ in 0..<(1 + random.below(4)) {
                    mutated[random.below(mutated.count)] = UInt8(truncatingIfNeeded: random.next())
                }
                Self.decodeBoth(mutated)
            }
        }
    }

    static func decodeBoth(_ bytes: [UInt8]) {
        if let error = decodeRequestError(bytes) { #expect(error.code == .invalidRequest) }
        if let error = decodeResponseError(bytes) { #expect(error.code == .corruptMessage) }
    }

    static func sampleFrames() -> [[UInt8]] {
        let produce = ProduceRequest(
            acks: -1, timeoutMs: 100,
            topics: [
                ProduceTopicData(
                    name: "t",
                    partitions: [ProducePartitionData(partition: 1, records: Fixtures.batch(prefix: "m", count: 2))])
            ])
        let metadata = MetadataResponse(
            brokers: [BrokerInfo(nodeId: 1, host: "h", port: 1)], clusterId: "c", controllerId: 1,
            topics: [
                TopicMetadata(
                    name: "t",
                    partitions: [
                        PartitionMetadata(partition: 0, leader: 1, leaderEpoch: 1, replicas: [1, 2], isr: [1])
                    ])
            ])
        let describe = DescribeTopicsResponse(topics: [
            TopicDescription(
                name: "t",
                partitions: [
                    PartitionDescription(
                        partition: 0, leader: 1, leaderEpoch: 1, replicas: [1], isr: [1], logStartOffset: 0,
                        logEndOffset: 1,
                        highWatermark: 1, sizeBytes: 100)
                ], configs: ["k": "v"])
        ])
        let frames = [
            WireCodec.encode(Request(correlationId: 1, clientId: "x", body: .produce(produce))),
            WireCodec.encode(
                Request(
                    correlationId: 2,
                    body: .createTopics(CreateTopicsRequest(topics: [CreatableTopic(name: "n", configs: [("a", "b")])]))
                )),
            WireCodec.encode(Response(correlationId: 3, body: .metadata(metadata))),
            WireCodec.encode(Response(correlationId: 4, body: .describeTopics(describe))),
            WireCodec.encode(
                Response(
                    correlationId: 5, body: .initProducerId(InitProducerIdResponse(producerId: 1, producerEpoch: 1)))),
        ]
        return frames.map { Array($0.readableBytesView) }
    }
}
