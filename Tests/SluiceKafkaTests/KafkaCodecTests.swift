import NIOCore
import SluiceKafka
import SluiceWire
import Testing

/// Kafka's byte layouts as the protocol guide and the message JSON define them, and bad input.
@Suite struct KafkaCodecTests {
    /// A request frame (without the length prefix): header v1, then `body`.
    static func request(key: Int16, version: Int16, correlationId: Int32 = 7, clientId: String? = "kcat",
                        flexible: Bool = false, body: (inout KafkaWriter) -> Void = { _ in }) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.int16(key)
        writer.int16(version)
        writer.int32(correlationId)
        writer.string(clientId)
        if flexible { writer.noTaggedFields() }
        body(&writer)
        return writer.buffer
    }

    @Test func aHeaderSplitsIntoKeyVersionCorrelationAndClient() throws {
        let parsed = try KafkaRequest(frame: Self.request(key: 3, version: 8, correlationId: 42))
        #expect(parsed.apiKey == .metadata)
        #expect(parsed.apiVersion == 8)
        #expect(parsed.correlationId == 42)
        #expect(parsed.clientId == "kcat")
    }

    @Test func kafkaFramesStartWithAZeroByteAndNativeOnesDoNot() {
        #expect(KafkaRequest.isKafka(frame: Self.request(key: 18, version: 3)))
        var native = ByteBuffer()
        native.writeBytes([0x08, 0x01])  // protobuf: field 1, varint
        #expect(!KafkaRequest.isKafka(frame: native))
    }

    @Test func apiVersionsV0ListsEveryServedRange() throws {
        var reader = KafkaReader(KafkaApiVersions.responseBody(version: 0))
        #expect(try reader.int16() == 0)
        let count = try #require(try reader.arrayLength())
        var ranges: [Int16: ClosedRange<Int16>] = [:]
        for _ in 0..<count {
            let key = try reader.int16()
            ranges[key] = try reader.int16()...reader.int16()
        }
        // Produce is advertised from v0 (served from v3) for librdkafka before 2.11.1; the rest as served.
        #expect(ranges == [
            0: 0...8, 1: 4...11, 2: 1...5, 3: 0...8, 8: 2...7, 9: 1...5, 10: 0...2, 11: 0...5, 12: 0...3, 13: 0...3,
            14: 0...3, 15: 0...4, 16: 0...2, 18: 0...3, 19: 2...4, 20: 1...3, 22: 0...1, 23: 2...3, 32: 1...3,
        ])
        #expect(reader.remaining == 0, "v0 has no throttle time")
    }

    @Test func apiVersionsV3IsCompactWithTaggedFields() throws {
        var reader = KafkaReader(KafkaApiVersions.responseBody(version: 3))
        #expect(try reader.int16() == 0)
        let count = try #require(try reader.compactArrayLength())
        #expect(count == KafkaApiKey.allCases.count)
        for _ in 0..<count {
            _ = try reader.int16()
            _ = try reader.int16()
            _ = try reader.int16()
            try reader.skipTaggedFields()
        }
        #expect(try reader.int32() == 0, "throttle_time_ms")
        try reader.skipTaggedFields()
        #expect(reader.remaining == 0)
    }

    @Test func anUnsupportedApiVersionsVersionGetsV0WithTheError() throws {
        var reader = KafkaReader(KafkaApiVersions.responseBody(version: 9))
        #expect(try reader.int16() == 35, "UNSUPPORTED_VERSION")
        #expect(try reader.arrayLength() == KafkaApiKey.allCases.count)
    }

    @Test func metadataRequestsByVersion() throws {
        func decode(_ version: Int16, _ body: (inout KafkaWriter) -> Void) throws -> KafkaMetadata.Request {
            var parsed = try KafkaRequest(frame: Self.request(key: 3, version: version, body: body))
            return try KafkaMetadata.decodeRequest(&parsed.body, version: version)
        }
        #expect(try decode(0) { $0.int32(0) }.topics == nil, "v0: empty means all")
        #expect(try decode(1) { $0.int32(0) }.topics == [], "v1+: empty means none")
        #expect(try decode(1) { $0.int32(-1) }.topics == nil, "v1+: null means all")
        let v8 = try decode(8) {
            $0.array(["orders", "audit"]) { $0.string($1) }
            $0.bool(false)
            $0.bool(false)
            $0.bool(false)
        }
        #expect(v8 == KafkaMetadata.Request(topics: ["orders", "audit"], allowAutoTopicCreation: false))
    }

    @Test func metadataV8ResponseLayout() throws {
        let response = KafkaMetadata.Response(
            brokers: [BrokerInfo(nodeId: 1, host: "127.0.0.1", port: 9092)], clusterId: "c1", controllerId: 1,
            topics: [
                .init(errorCode: .none, name: "orders", partitions: [
                    .init(errorCode: .none, index: 0, leader: 1, leaderEpoch: 4, replicas: [1, 2], isr: [1],
                          offlineReplicas: [2]),
                ]),
            ])
        var reader = KafkaReader(KafkaMetadata.responseBody(response, version: 8))
        #expect(try reader.int32() == 0)
        #expect(try reader.arrayLength() == 1)
        #expect(try reader.int32() == 1)
        #expect(try reader.string() == "127.0.0.1")
        #expect(try reader.int32() == 9092)
        #expect(try reader.nullableString() == nil, "rack")
        #expect(try reader.nullableString() == "c1")
        #expect(try reader.int32() == 1, "controller")
        #expect(try reader.arrayLength() == 1)
        #expect(try reader.int16() == 0)
        #expect(try reader.string() == "orders")
        #expect(try reader.bool() == false)
        #expect(try reader.arrayLength() == 1)
        #expect(try reader.int16() == 0)
        #expect(try reader.int32() == 0)
        #expect(try reader.int32() == 1, "leader")
        #expect(try reader.int32() == 4, "leader epoch (v7+)")
        #expect(try reader.arrayLength() == 2)
        #expect([try reader.int32(), try reader.int32()] == [1, 2])
        #expect(try reader.arrayLength() == 1)
        #expect(try reader.int32() == 1)
        #expect(try reader.arrayLength() == 1, "offline replicas (v5+)")
        #expect(try reader.int32() == 2)
        #expect(try reader.int32() == Int32.min, "topic authorized operations")
        #expect(try reader.int32() == Int32.min, "cluster authorized operations")
        #expect(reader.remaining == 0)
    }

    @Test func metadataV0HasNoRackControllerOrEpochs() throws {
        let response = KafkaMetadata.Response(
            brokers: [BrokerInfo(nodeId: 1, host: "h", port: 1)], clusterId: "c", controllerId: 1,
            topics: [.init(errorCode: .unknownTopicOrPartition, name: "gone", partitions: [])])
        let body = KafkaMetadata.responseBody(response, version: 0)
        // brokers: count 4 + (4 + 2+1 + 4); topics: count 4 + (2 + 2+4 + 4 partitions count)
        #expect(body.readableBytes == 4 + 11 + 4 + 12)
    }

    @Test func truncatedAndHostileInputIsAnErrorNotACrash() {
        var short = ByteBuffer()
        short.writeInteger(Int16(3))
        #expect(throws: KafkaProtocolError.self) { try KafkaRequest(frame: short) }
        // A topics array that claims two billion entries in a few bytes is refused before allocating.
        var parsed = try! KafkaRequest(frame: Self.request(key: 3, version: 1) { $0.int32(Int32.max) })
        #expect(throws: KafkaProtocolError.self) { try KafkaMetadata.decodeRequest(&parsed.body, version: 1) }
        // A string longer than what is left.
        var lying = try! KafkaRequest(frame: Self.request(key: 3, version: 1) {
            $0.int32(1)
            $0.int16(500)
        })
        #expect(throws: KafkaProtocolError.self) { try KafkaMetadata.decodeRequest(&lying.body, version: 1) }
        // A varint that never ends.
        var varint = KafkaReader(ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
        #expect(throws: KafkaProtocolError.self) { try varint.unsignedVarint() }
    }
}
