import Foundation
import Testing

/// The gateway refuses bad requests with Confluent's statuses and `{"error_code":…,"message":…}` bodies, and a
/// bad `gateway.*` setting stops `sluiced` with exit 78. (Part of the `GatewayTests` suite.)
extension GatewayTests {
    @Test func malformedBodiesGet422() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "strict")
        let cases: [(format: String, body: String, mentions: String)] = [
            (Self.json, "{\"records\":[{\"value\":1}", "Malformed JSON"),
            (Self.json, "{\"records\":[{\"value\":tru}]}", "Malformed JSON"),
            (Self.json, "{\"records\":[{\"value\":\"a\"}]} trailing", "after the JSON document"),
            (Self.json, "", "empty"),
            (Self.json, "[1,2]", "JSON object"),
            (Self.json, "{\"recs\":[]}", "Unknown field 'recs'"),
            (Self.json, "{}", "'records' is missing"),
            (Self.json, "{\"records\":[]}", "may not be empty"),
            (Self.json, "{\"records\":{\"value\":1}}", "must be an array"),
            (Self.json, "{\"records\":[{\"vaule\":1}]}", "Unknown field 'vaule' in record 0"),
            (Self.json, "{\"records\":[{\"value\":1,\"partition\":1.5}]}", "partition must be an integer"),
            (Self.json, "{\"records\":[{\"value\":1,\"partition\":\"1\"}]}", "partition must be an integer"),
            (Self.json, "{\"records\":[{\"value\":\"\\x\"}]}", "invalid escape"),
            (Self.binary, "{\"records\":[{\"value\":\"not base64!\"}]}", "invalid base64"),
            (Self.binary, "{\"records\":[{\"value\":\"aGVsbG8=\"},{\"key\":\"a\"}]}", "Record 1 key"),
            (Self.binary, "{\"records\":[{\"value\":{\"id\":1}}]}", "base64 string or null"),
        ]
        for (format, body, mentions) in cases {
            let reply = try Self.produce(broker, topic: "strict", contentType: format, body)
            #expect(reply.status == 422, "\(body): \(reply.text)")
            #expect(reply.errorCode == 422, "\(body): \(reply.text)")
            #expect(reply.message.contains(mentions), "\(body): \(reply.text)")
            #expect(reply.contentType == "application/vnd.kafka.v2+json")
        }
        let notUTF8 = try Self.post(
            "http://127.0.0.1:\(broker.httpPort)/topics/strict", contentType: Self.json,
            body: Data("{\"records\":[{\"value\":\"".utf8) + Data([0xFF, 0xFE]) + Data("\"}]}".utf8))
        #expect(notUTF8.status == 422 && notUTF8.message.contains("UTF-8"), "\(notUTF8.text)")
        // Nothing was produced by any refused request.
        let consumed = try CLI.run([
            "consume", "--topic", "strict", "--from-beginning", "--timeout-ms", "1500",
            "--bootstrap-server", broker.bootstrap,
        ])
        #expect(consumed.stdoutText.isEmpty, "\(consumed.stdoutText)")
    }

    @Test func unsupportedContentTypesGet415() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "typed")
        let body = "{\"records\":[{\"value\":1}]}"
        for contentType in ["application/json", "text/plain", "application/vnd.kafka.avro.v2+json", nil] {
            let reply = try Self.produce(broker, topic: "typed", contentType: contentType, body)
            #expect(reply.status == 415, "\(contentType ?? "none"): \(reply.text)")
            #expect(reply.errorCode == 415, "\(reply.text)")
            #expect(reply.message.contains(Self.json) && reply.message.contains(Self.binary), "\(reply.text)")
        }
        // Media types compare case-insensitively.
        let mixedCase = try Self.produce(
            broker, topic: "typed", contentType: "Application/VND.Kafka.JSON.v2+JSON", body)
        #expect(mixedCase.status == 200, "\(mixedCase.text)")
    }

    @Test func unknownTopicAndPartitionGet404() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "three")
        let unknown = try Self.produce(broker, topic: "nope", contentType: Self.json, "{\"records\":[{\"value\":1}]}")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == 40401, "\(unknown.text)")
        #expect(unknown.message == "Topic 'nope' not found", "\(unknown.text)")
        for partition in [3, -1, 4_000_000_000] {
            let reply = try Self.produce(
                broker, topic: "three", contentType: Self.json,
                """
                {"records":[{"value":"fine","partition":0},{"value":"out","partition":\(partition)}]}
                """)
            #expect(reply.status == 404, "\(reply.text)")
            #expect(reply.errorCode == 40402, "\(reply.text)")
            #expect(reply.message.contains("Partition \(partition) of topic 'three' not found"), "\(reply.text)")
        }
        // The whole request was refused: not even the valid record was produced.
        let consumed = try CLI.run([
            "consume", "--topic", "three", "--from-beginning", "--timeout-ms", "1500",
            "--bootstrap-server", broker.bootstrap,
        ])
        #expect(consumed.stdoutText.isEmpty, "\(consumed.stdoutText)")
    }

    @Test func oversizeBodiesGet413WithOrWithoutContentLength() throws {
        let broker = try BrokerProcess(overrides: ["gateway.max.request.bytes=1024"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "small", partitions: 1)
        let url = "http://127.0.0.1:\(broker.httpPort)/topics/small"
        let big = Data("{\"records\":[{\"value\":\"\(String(repeating: "x", count: 4000))\"}]}".utf8)
        let declared = try Self.post(url, contentType: Self.json, body: big)
        #expect(declared.status == 413, "\(declared.text)")
        #expect(declared.errorCode == 413, "\(declared.text)")
        #expect(
            declared.message.contains("of \(big.count) bytes is larger than gateway.max.request.bytes (1024)"),
            "refused by Content-Length before reading: \(declared.text)")
        let streamed = try Self.post(url, contentType: Self.json, body: big, chunked: true)
        #expect(streamed.status == 413, "chunked, no Content-Length: \(streamed.text)")
        #expect(streamed.errorCode == 413, "\(streamed.text)")
        // Just under the limit is fine, and the listener still works after the refusals.
        let fits = "{\"records\":[{\"value\":\"\(String(repeating: "y", count: 900))\"}]}"
        #expect(fits.utf8.count <= 1024)
        let accepted = try Self.produce(broker, topic: "small", contentType: Self.json, fits)
        #expect(accepted.status == 200, "\(accepted.text)")
        let (_, metrics) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        #expect(MetricsEndpointTests.value(of: "sluice_gateway_requests_total{code=\"413\"}", in: metrics) == 2)
    }

    @Test func disabledGatewayHasNoRoute() throws {
        let broker = try BrokerProcess(overrides: ["gateway.enable=false"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "off", partitions: 1)
        let reply = try Self.produce(broker, topic: "off", contentType: Self.json, "{\"records\":[{\"value\":1}]}")
        #expect(reply.status == 404, "\(reply.text)")
        #expect(try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/health").0 == 200)
    }

    @Test(arguments: [
        ("gateway.max.request.bytes=abc", "gateway.max.request.bytes"),
        ("gateway.max.request.bytes=0", "gateway.max.request.bytes"),
        ("gateway.enable=maybe", "gateway.enable"),
        ("gateway.bootstrap.servers=10.0.0.1:9092", "gateway.bootstrap.servers"),
        ("gateway.linger.ms=-5", "gateway.linger.ms"),
        ("gateway.acks=2", "gateway.acks"),
        ("gateway.no.such.key=1", "gateway.no.such.key"),
    ])
    func badGatewaySettingExitsSeventyEightNamingTheKey(override: String, key: String) throws {
        let (status, stderr) = try ConfigErrorTests.runSluiced(config: "node.id=1\n", overrides: [override])
        #expect(status == 78, "\(stderr)")
        #expect(stderr.contains("SLUICE_EVENT=config_error"), "\(stderr)")
        #expect(stderr.contains("KEY=\(key)"), "\(stderr)")
    }
}
