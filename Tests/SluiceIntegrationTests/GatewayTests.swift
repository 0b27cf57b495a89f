import Foundation
import Synchronization
import Testing

/// The producer gateway on a real `sluiced`: Confluent REST Proxy v2's `POST /topics/{topic}` in JSON and binary
/// embedded formats, read back byte for byte with `sluice consume`. Error cases live in GatewayErrorTests.swift.
@Suite(.serialized)
struct GatewayTests {
    static let json = "application/vnd.kafka.json.v2+json"
    static let binary = "application/vnd.kafka.binary.v2+json"

    /// A gateway reply: status, `Content-Type` and the body parsed as a JSON object (nil if it is not one).
    struct Reply {
        let status: Int
        let contentType: String
        let text: String
        var object: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] }
        /// The `offsets` entries of a 200 reply.
        var offsets: [[String: Any]] { object?["offsets"] as? [[String: Any]] ?? [] }
        /// `error_code` of an error reply.
        var errorCode: Int? { object?["error_code"] as? Int }
        var message: String { object?["message"] as? String ?? "" }
    }

    /// POSTs `body` to `url` with curl. `contentType` nil sends no Content-Type at all; `chunked` streams the
    /// body without a Content-Length. `Expect: 100-continue` is turned off so the body goes at once.
    /// `maxTimeSeconds` bounds the whole exchange (curl's `--max-time`; status 0 when it passes).
    static func post(
        _ url: String, contentType: String?, body: Data, chunked: Bool = false, maxTimeSeconds: Int? = nil
    ) throws -> Reply {
        let scratch = BrokerProcess.makeTempDir("sluice-gateway-post")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let bodyPath = scratch + "/body"
        try #require(FileManager.default.createFile(atPath: bodyPath, contents: body))
        // "Content-Type:" with nothing after it makes curl send no Content-Type header at all.
        let contentTypeHeader = contentType.map { "Content-Type: \($0)" } ?? "Content-Type:"
        var arguments = [
            "-s", "-o", "-", "-w", "\n%{content_type}\n%{http_code}", "-X", "POST", "-H", "Expect:",
            "-H", contentTypeHeader, "--data-binary", "@\(bodyPath)",
        ]
        if chunked { arguments += ["-H", "Transfer-Encoding: chunked"] }
        if let maxTimeSeconds { arguments += ["--max-time", "\(maxTimeSeconds)"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        let contentType = lines.popLast() ?? ""
        return Reply(status: status, contentType: contentType, text: lines.joined(separator: "\n"))
    }

    /// POSTs a JSON text body to the broker's gateway for `topic`.
    static func produce(_ broker: BrokerProcess, topic: String, contentType: String?, _ body: String) throws -> Reply {
        try post("http://127.0.0.1:\(broker.httpPort)/topics/\(topic)", contentType: contentType, body: Data(body.utf8))
    }

    static func createTopic(_ broker: BrokerProcess, _ name: String, partitions: Int = 3) throws {
        let result = try CLI.run([
            "topics", "create", name, "--partitions", "\(partitions)",
            "--bootstrap-server", broker.bootstrap,
        ])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// `sluice consume --from-beginning --print-offset --print-key`:
    /// lines `Partition:P<TAB>Offset:O<TAB>key<TAB>value`.
    static func consumeAll(
        _ broker: BrokerProcess, topic: String, count: Int, partition: Int? = nil
    ) throws -> [String] {
        var arguments = [
            "consume", "--topic", topic, "--from-beginning", "--print-offset", "--print-key",
            "--max-messages", "\(count)", "--timeout-ms", "10000", "--bootstrap-server", broker.bootstrap,
        ]
        if let partition { arguments += ["--partition", "\(partition)"] }
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    /// The consume line a successful offsets entry predicts.
    static func line(_ entry: [String: Any], key: String, value: String) -> String {
        "Partition:\(entry["partition"] as? Int ?? -1)\tOffset:\(entry["offset"] as? Int ?? -1)\t\(key)\t\(value)"
    }

    static func expectSucceeded(_ reply: Reply, records: Int) {
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.contentType == "application/vnd.kafka.v2+json")
        #expect(reply.offsets.count == records, "\(reply.text)")
        for entry in reply.offsets {
            #expect(entry["partition"] is Int && entry["offset"] is Int, "\(entry)")
            #expect(entry["error_code"] is NSNull && entry["error"] is NSNull, "\(entry)")
        }
        #expect(reply.object?["key_schema_id"] is NSNull && reply.object?["value_schema_id"] is NSNull)
    }

    @Test func jsonRecordsAreStoredAsTheirJSONText() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "orders")
        let reply = try Self.produce(
            broker, topic: "orders", contentType: Self.json,
            """
            {"records":[{"key":"k1","value":{"id":1}},{"value":"plain"},
              {"key": {"a": [1, 2.5e3, true]}, "value" : { "id" : 2 , "s" : "x y\\t\\"q\\"" }},
              {"key":null,"value":null}]}
            """)
        Self.expectSucceeded(reply, records: 4)
        let offsets = reply.offsets
        let lines = try Self.consumeAll(broker, topic: "orders", count: 4)
        #expect(
            Set(lines) == [
                Self.line(offsets[0], key: "\"k1\"", value: "{\"id\":1}"),
                Self.line(offsets[1], key: "null", value: "\"plain\""),
                Self.line(offsets[2], key: "{\"a\":[1,2.5e3,true]}", value: "{\"id\":2,\"s\":\"x y\\t\\\"q\\\"\"}"),
                Self.line(offsets[3], key: "null", value: "null"),
            ], "\(lines)")
    }

    @Test func binaryRecordsAreStoredAsTheDecodedBytes() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "raw")
        // "key"/"hello"; unpadded "aGk" is "hi" (padding optional, as Java's decoder allows); "" is empty.
        let reply = try Self.produce(
            broker, topic: "raw", contentType: Self.binary + "; charset=utf-8",
            """
            {"records":[{"key":"a2V5","value":"aGVsbG8="},{"value":"aGk"},{"key":"","value":null}]}
            """)
        Self.expectSucceeded(reply, records: 3)
        let offsets = reply.offsets
        let lines = try Self.consumeAll(broker, topic: "raw", count: 3)
        #expect(
            Set(lines) == [
                Self.line(offsets[0], key: "key", value: "hello"),
                Self.line(offsets[1], key: "null", value: "hi"),
                Self.line(offsets[2], key: "", value: "null"),
            ], "\(lines)")
    }

    @Test func explicitPartitionIsHonoured() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "placed")
        let reply = try Self.produce(
            broker, topic: "placed", contentType: Self.json,
            """
            {"records":[{"value":"a","partition":2},{"value":"b","partition":0},{"value":"c","partition":2}]}
            """)
        Self.expectSucceeded(reply, records: 3)
        #expect(reply.offsets.map { $0["partition"] as? Int } == [2, 0, 2])
        #expect(reply.offsets.map { $0["offset"] as? Int } == [0, 0, 1])
        #expect(
            try Self.consumeAll(broker, topic: "placed", count: 2, partition: 2) == [
                "Partition:2\tOffset:0\tnull\t\"a\"", "Partition:2\tOffset:1\tnull\t\"c\"",
            ])
        #expect(
            try Self.consumeAll(broker, topic: "placed", count: 1, partition: 0) == [
                "Partition:0\tOffset:0\tnull\t\"b\""
            ])
    }

    @Test func sameKeyLandsInOnePartition() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "keyed")
        let records = (0..<12).map { "{\"key\":\"user-7\",\"value\":\($0)}" }.joined(separator: ",")
        let reply = try Self.produce(broker, topic: "keyed", contentType: Self.json, "{\"records\":[\(records)]}")
        Self.expectSucceeded(reply, records: 12)
        #expect(Set(reply.offsets.compactMap { $0["partition"] as? Int }).count == 1, "\(reply.text)")
        #expect(reply.offsets.compactMap { $0["offset"] as? Int } == Array(0..<12), "order within the partition")
    }

    @Test func recordTheProducerRefusesFailsAloneAndTheRestSucceed() throws {
        let broker = try BrokerProcess(overrides: ["gateway.max.request.size=1000"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "mixed", partitions: 1)
        let large = String(repeating: "x", count: 2000)
        let reply = try Self.produce(
            broker, topic: "mixed", contentType: Self.json,
            """
            {"records":[{"value":"small"},{"value":"\(large)"},{"value":"after"}]}
            """)
        #expect(reply.status == 200, "\(reply.text)")
        let offsets = reply.offsets
        try #require(offsets.count == 3, "\(reply.text)")
        #expect(offsets[0]["offset"] as? Int == 0 && offsets[2]["offset"] as? Int == 1, "\(reply.text)")
        #expect(offsets[1]["partition"] is NSNull && offsets[1]["offset"] is NSNull)
        #expect(offsets[1]["error_code"] as? Int == 50002, "RecordTooLarge is not retriable: \(reply.text)")
        #expect((offsets[1]["error"] as? String)?.contains("max.request.size") == true, "\(reply.text)")
    }

    @Test func gatewayMetricsCountRequestsByStatusAndShowTheProducer() throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "counted", partitions: 1)
        for index in 0..<3 {
            let body = "{\"records\":[{\"value\":\(index)}]}"
            let reply = try Self.produce(broker, topic: "counted", contentType: Self.json, body)
            #expect(reply.status == 200, "\(reply.text)")
        }
        #expect(try Self.produce(broker, topic: "counted", contentType: Self.json, "{\"records\":").status == 422)
        let (status, text) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        #expect(status == 200)
        #expect(MetricsEndpointTests.value(of: "sluice_gateway_requests_total{code=\"200\"}", in: text) == 3)
        #expect(MetricsEndpointTests.value(of: "sluice_gateway_requests_total{code=\"422\"}", in: text) == 1)
        for code in [404, 413, 415, 500] {
            #expect(MetricsEndpointTests.value(of: "sluice_gateway_requests_total{code=\"\(code)\"}", in: text) == 0)
        }
        #expect(MetricsEndpointTests.value(of: "sluice_gateway_request_seconds_count", in: text) == 4)
        #expect(text.contains("# HELP sluice_gateway_requests_total"))
        #expect(text.contains("# HELP sluice_gateway_request_seconds"))
        // The gateway's producer shares the registry: its metrics are on the same scrape.
        #expect(text.contains("# HELP sluice_producer_records_sent_total"), "producer metrics missing from /metrics")
        #expect(MetricsEndpointTests.value(of: "sluice_producer_records_sent_total{topic=\"counted\"}", in: text) == 3)
    }
}

extension GatewayTests {
    /// SIGTERM while a gateway request's record lingers in the accumulator: the gateway's producer is closed
    /// (drained) before the logs, so the request still gets its offset and the record survives a restart.
    @Test func gracefulStopDrainsTheGatewayProducer() throws {
        let broker = try BrokerProcess(overrides: ["gateway.linger.ms=60000", "gateway.batch.size=1000000"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "drained", partitions: 1)
        let scratch = BrokerProcess.makeTempDir("sluice-gateway-drain")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = [
            "-s", "-o", scratch + "/reply", "-w", "%{http_code}", "-X", "POST",
            "-H", "Content-Type: \(Self.json)", "--data-binary", "{\"records\":[{\"value\":\"kept\"}]}",
            "http://127.0.0.1:\(broker.httpPort)/topics/drained",
        ]
        let status = Pipe()
        curl.standardOutput = status
        try curl.run()
        defer { if curl.isRunning { kill(curl.processIdentifier, SIGKILL) } }
        // Wait (with a deadline) until the record sits in the accumulator, lingering.
        let series = "sluice_producer_accumulator_records{topic=\"drained\",partition=\"0\"}"
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        var lingering = false
        while !lingering, ContinuousClock.now < deadline {
            let (_, text) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
            lingering = MetricsEndpointTests.value(of: series, in: text) == 1
            if !lingering { usleep(20_000) }  // polling a gauge with a deadline, not sleeping as synchronisation
        }
        try #require(lingering, "the record never showed in the accumulator")
        #expect(broker.stop() == 0, "\(broker.stderr)")
        curl.waitUntilExit()
        let code = String(decoding: status.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let reply = (try? String(contentsOfFile: scratch + "/reply", encoding: .utf8)) ?? ""
        #expect(code == "200", "\(reply)")
        #expect(reply.contains("{\"partition\":0,\"offset\":0,\"error_code\":null,\"error\":null}"), "\(reply)")
        let restarted = try BrokerProcess(dataDir: broker.dataDir)
        defer { restarted.kill9() }
        #expect(try Self.consumeAll(restarted, topic: "drained", count: 1) == ["Partition:0\tOffset:0\tnull\t\"kept\""])
    }
}

extension GatewayTests {
    /// Records are handed to the producer with the async send, so one request's records — and concurrent
    /// requests' records — share a batch and one linger wait instead of each waiting out linger.ms in turn.
    @Test func concurrentRequestsShareOneBatch() throws {
        let broker = try BrokerProcess(overrides: ["gateway.linger.ms=3000", "gateway.batch.size=1000000"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        try Self.createTopic(broker, "shared", partitions: 1)
        let url = "http://127.0.0.1:\(broker.httpPort)/topics/shared"
        let replies = Mutex<[Reply]>([])
        let done = DispatchGroup()
        for request in 0..<3 {  // one thread each: all three requests are in flight together
            done.enter()
            Thread {
                defer { done.leave() }
                let records = (0..<5).map { "{\"value\":\"r\(request)-\($0)\"}" }.joined(separator: ",")
                let reply = try? Self.post(url, contentType: Self.json, body: Data("{\"records\":[\(records)]}".utf8))
                if let reply { replies.withLock { $0.append(reply) } }
            }.start()
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        let all = replies.withLock { $0 }
        try #require(all.count == 3)
        for reply in all { Self.expectSucceeded(reply, records: 5) }
        let offsets = all.flatMap { $0.offsets.compactMap { $0["offset"] as? Int } }
        #expect(offsets.sorted() == Array(0..<15), "\(offsets)")
        let (_, text) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        #expect(MetricsEndpointTests.value(of: "sluice_producer_batches_sent_total{reason=\"linger\"}", in: text) == 1)
        #expect(MetricsEndpointTests.value(of: "sluice_producer_batch_records_count", in: text) == 1)
        #expect(MetricsEndpointTests.value(of: "sluice_producer_batch_records_sum", in: text) == 15)
    }
}
