import Foundation
import SluiceTestSupport
import Testing

/// Kafka's Python clients against a real broker: PyPI's confluent-kafka (librdkafka 2.16) and kafka-python 3.0.12 in
/// the project's venv, Debian's python3-confluent-kafka (librdkafka 2.0.2) under /usr/bin/python3, all installed by
/// scripts/setup. Each script (Tests/kafka-clients) produces idempotently with keys, headers and timestamps, reads
/// back without a group and looks an offset up by time; the test compares what the client saw with what it sent and
/// with what the broker stored, read by the native CLI.
@Suite struct KafkaPythonClientTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let venvPython = root + "/.build-venv/bin/python"
    static let debianPython = "/usr/bin/python3"

    /// Runs a client script under `python` (bounded by coreutils' timeout) and decodes its one line of JSON.
    static func run(_ python: String, _ script: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try TestTools.run(
            "/usr/bin/timeout", ["120", python, root + "/Tests/kafka-clients/" + script] + arguments)
        #expect(result.status == 0, "\(script) under \(python): \(result.output.suffix(2_000))")
        let line = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(result.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// The records the scripts send: key-i, value-i, header trace=t-i, timestamp base + i.
    static func expectedRecords(_ count: Int) -> [[String]] {
        (0..<count).map { ["\($0)", "key-\($0)", "value-\($0)", "t\($0)", "\(1_700_000_000_000 + $0)"] }
    }

    /// The consumed records as [offset, key, value, first header's value, timestamp] strings.
    static func consumedRecords(_ output: [String: Any]) -> [[String]] {
        ((output["consumed"] as? [[Any]]) ?? []).map { record in
            let headers = record[3] as? [[Any]] ?? []
            return ["\(record[0])", "\(record[1])", "\(record[2])", "\(headers.first?[1] ?? "none")", "\(record[4])"]
        }
    }

    /// What the broker stored, read by the native CLI (Kafka's console-consumer layout, every field printed):
    /// "CreateTime:T Partition:0 Offset:O headers key value" per record.
    static func storedByBroker(_ topic: String, count: Int, broker: BrokerProcess) throws -> [String] {
        let consumed = try CLI.run(
            ["consume", "--topic", topic, "--partition", "0", "--offset", "earliest", "--max-messages", "\(count)",
             "--print-timestamp", "--print-key", "--print-offset", "--print-headers", "--bootstrap-server",
             broker.bootstrap], timeout: .seconds(60))
        #expect(consumed.status == 0, "\(consumed.stderr)")
        return consumed.stdoutText.split(separator: "\n").map { $0.replacingOccurrences(of: "\t", with: " ") }
    }

    @Test(arguments: [
        (venvPython, "snappy", "2.16.0"), (venvPython, "zstd", "2.16.0"), (debianPython, "lz4", "2.0.2"),
        (debianPython, "gzip", "2.0.2"),
    ])
    func confluentKafkaProducesIdempotentlyAndReadsBackWhatTheBrokerStored(
        python: String, codec: String, librdkafka: String
    ) throws {
        let broker = try BrokerProcess(overrides: ["auto.create.topics.enable=true"])
        defer {
            broker.stop()
            broker.removeData()
        }
        let count = 400
        // Debian's 1.7 client crashes freeing a None header value at exit (its own refcount bug), so only the
        // PyPI client sends one.
        let nullHeaders = python == Self.venvPython ? "1" : "0"
        let output = try Self.run(python, "confluent_roundtrip.py", [broker.bootstrap, "orders", "\(count)", codec, nullHeaders])
        #expect(output["librdkafka"] as? String == librdkafka)
        #expect(output["errors"] as? [String] == [])
        #expect(output["undelivered"] as? Int == 0)
        #expect(output["delivered"] as? [Int] == Array(0..<count), "every delivery report with its offset, once")
        #expect(Self.consumedRecords(output) == Self.expectedRecords(count))
        #expect(output["for_time"] as? Int == count / 2, "ListOffsets by time: the record, not its batch")
        // Keys, values, headers (a null header value included) and timestamps exactly as the client sent them.
        let stored = try Self.storedByBroker("orders", count: count, broker: broker)
        let nullHeader = nullHeaders == "1" ? ",empty:null" : ""
        KafkaClientTests.expectLines(
            stored,
            (0..<count).map {
                "CreateTime:\(1_700_000_000_000 + $0) Partition:0 Offset:\($0) trace:t\($0)\(nullHeader) key-\($0) value-\($0)"
            })
    }

    @Test func kafkaPythonIsIdempotentByDefaultAndReadsEveryCodecBack() throws {
        let broker = try BrokerProcess(overrides: ["auto.create.topics.enable=true"])
        defer {
            broker.stop()
            broker.removeData()
        }
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
            let topic = "kp-\(codec)"
            let output = try Self.run(Self.venvPython, "kafka_python_roundtrip.py", [broker.bootstrap, topic, "300", codec])
            #expect(output["version"] as? String == "3.0.12")
            #expect(output["idempotent"] as? Bool == true, "kafka-python 3 negotiated idempotence (InitProducerId)")
            #expect(output["delivered"] as? [Int] == Array(0..<300), "\(codec)")
            #expect(Self.consumedRecords(output) == Self.expectedRecords(300), "\(codec)")
            #expect(output["for_time"] as? Int == 150, "\(codec)")
            let stored = try Self.storedByBroker(topic, count: 300, broker: broker)
            #expect(stored.count == 300, "\(codec)")
            #expect(stored.last == "CreateTime:1700000000299 Partition:0 Offset:299 trace:t299 key-299 value-299", "\(codec)")
        }
    }

    /// aiokafka 0.14 (asyncio, its own protocol code): an idempotent acks=all producer, then a consumer in a group
    /// (subscribe, JoinGroup/SyncGroup, OffsetFetch) reading every record back and committing.
    @Test func aiokafkaProducesIdempotentlyAndConsumesInAGroup() throws {
        let broker = try BrokerProcess(overrides: KafkaGroupTests.overrides)
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "aio", "--partitions", "1", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let output = try Self.run(Self.venvPython, "aiokafka_roundtrip.py", [broker.bootstrap, "aio", "200", "aio-group"])
        #expect(output["version"] as? String == "0.14.0")
        #expect(output["delivered"] as? [Int] == Array(0..<200))
        #expect(Self.consumedRecords(output) == Self.expectedRecords(200))
        #expect(output["committed"] as? Int == 200)
        #expect(try KafkaClientTests.metric(broker, #"sluice_group_committed_offset{group="aio-group",topic="aio",partition="0"}"#) == 200)
        let stored = try Self.storedByBroker("aio", count: 200, broker: broker)
        #expect(stored.last == "CreateTime:1700000000199 Partition:0 Offset:199 trace:t199 key-199 value-199")
    }

    @Test func recordsTheNativeCLIWroteReachAPythonConsumerConvertedWithHeadersAndTimestamps() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "native", "--partitions", "1", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let lines = (0..<100).map { "k\($0)\tnative value \($0)" }
        let produced = try CLI.run(
            ["produce", "--topic", "native", "--key-separator", "\t", "--header", "trace=native", "--header", "nothing",
             "--header", "trace=again", "--bootstrap-server", broker.bootstrap],
            stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(produced.status == 0, "\(produced.stderr)")
        let script = """
            import json, sys
            from confluent_kafka import Consumer, TopicPartition
            c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "unused", "enable.auto.commit": False})
            c.assign([TopicPartition("native", 0, 0)])
            out = []
            while len(out) < 100:
                m = c.poll(10)
                if m is None or m.error(): break
                headers = ",".join(k + ":" + ("null" if v is None else v.decode()) for k, v in (m.headers() or []))
                out.append([m.offset(), m.key().decode(), m.value().decode(), headers, m.timestamp()[1]])
            c.close()
            print(json.dumps({"consumed": out}))
            """
        let path = try TestTools.writeTemporaryFile(script)
        defer { TestTools.remove(path) }
        let result = try TestTools.run("/usr/bin/timeout", ["60", Self.venvPython, path, broker.bootstrap])
        let line = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(result.output)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let consumed = (output["consumed"] as? [[Any]] ?? []).map { "\($0[0]) \($0[1]) \($0[2]) \($0[3])" }
        #expect(consumed == (0..<100).map { "\($0) k\($0) native value \($0) trace:native,nothing:null,trace:again" })
        // Timestamps exactly as the broker stored them (native batches, read natively), not merely present.
        let stored = try Self.storedByBroker("native", count: 100, broker: broker)
        let seen = (output["consumed"] as? [[Any]] ?? []).map { record in
            "CreateTime:\(record[4]) Partition:0 Offset:\(record[0]) \(record[3]) \(record[1]) \(record[2])"
        }
        #expect(seen == stored)
    }

    /// message.timestamp.before.max.ms / after.max.ms: librdkafka's batch with a CreateTime two hours old, or two
    /// hours ahead, fails with INVALID_TIMESTAMP (32) and is not stored; one with the current time is.
    @Test func timestampsOutsideTheTopicsWindowAreRefusedAsInvalidTimestamp() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(
            ["topics", "create", "clocked", "--partitions", "1", "--config", "message.timestamp.before.max.ms=3600000",
             "--config", "message.timestamp.after.max.ms=3600000", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let script = """
            import json, sys, time
            from confluent_kafka import Producer
            now = int(time.time() * 1000)
            results = {}
            def report(name):
                def callback(err, msg):
                    results[name] = err.code() if err else msg.offset()
                return callback
            # One producer per record: librdkafka would otherwise put them in one batch.
            for name, timestamp in [("past", now - 7_200_000), ("future", now + 7_200_000), ("now", now)]:
                p = Producer({"bootstrap.servers": sys.argv[1], "linger.ms": 0, "retries": 0})
                p.produce("clocked", value=name, partition=0, timestamp=timestamp, on_delivery=report(name))
                p.flush(30)
            print(json.dumps(results))
            """
        let path = try TestTools.writeTemporaryFile(script)
        defer { TestTools.remove(path) }
        let result = try TestTools.run("/usr/bin/timeout", ["90", Self.venvPython, path, broker.bootstrap])
        let line = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(result.output)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Int])
        #expect(results == ["past": 32, "future": 32, "now": 0], "\(result.output)")
        let stored = try Self.storedByBroker("clocked", count: 1, broker: broker)
        #expect(stored.count == 1 && stored[0].hasSuffix("now"), "\(stored)")
        #expect(try KafkaClientTests.metric(broker, #"sluice_broker_request_errors_total{api="Produce",error="INVALID_TIMESTAMP"}"#) == 2)
    }

    @Test func kafkaPythonsAdminClientCreatesDescribesAndDeletesTopics() throws {
        // Written as a file would set it: retention in hours, so the topic's retention.ms names that key.
        let broker = try BrokerProcess(overrides: ["log.retention.hours=24", "log.segment.bytes=1048576"])
        defer {
            broker.stop()
            broker.removeData()
        }
        let output = try Self.run(Self.venvPython, "kafka_python_admin.py", [broker.bootstrap])
        #expect(output["created"] as? [[AnyHashable]] == [["admin-orders", 0]])
        #expect(output["illegal"] as? String == "InvalidTopicError")
        #expect(output["validated"] as? [[AnyHashable]] == [["only-validated", 0]])
        #expect(output["topics_after_create"] as? [String] == ["admin-orders"], "validate_only created nothing")
        let topic = try #require(output["topic_configs"] as? [String: [Any]])
        #expect(Set(topic.keys) == ["retention.ms", "retention.bytes", "segment.bytes", "max.message.bytes",
            "min.insync.replicas", "flush.messages", "flush.ms", "index.interval.bytes", "unclean.leader.election.enable",
            "message.timestamp.before.max.ms", "message.timestamp.after.max.ms"])
        #expect(topic["retention.ms"]?[0] as? String == "60000")
        #expect(topic["retention.ms"]?[1] as? String == "DYNAMIC_TOPIC_CONFIG")
        #expect(
            topic["retention.ms"]?[2] as? [[String]] == [
                ["retention.ms", "DYNAMIC_TOPIC_CONFIG"], ["log.retention.hours", "STATIC_BROKER_CONFIG"],
            ])
        #expect(topic["segment.bytes"]?[0] as? String == "1048576")
        #expect(topic["segment.bytes"]?[1] as? String == "STATIC_BROKER_CONFIG")
        #expect(topic["unclean.leader.election.enable"]?[1] as? String == "DEFAULT_CONFIG")
        let brokerConfigs = try #require(output["broker_configs"] as? [String: [Any]])
        #expect(brokerConfigs["log.segment.bytes"]?[0] as? String == "1048576")
        #expect(brokerConfigs["log.segment.bytes"]?[1] as? String == "STATIC_BROKER_CONFIG")
        #expect(brokerConfigs["num.partitions"]?[1] as? String == "DEFAULT_CONFIG")
        #expect(brokerConfigs["num.partitions"]?[2] as? Bool == true, "read-only: no AlterConfigs")
        #expect(output["deleted"] as? [[AnyHashable]] == [["admin-orders", 0]])
        #expect(output["topics_after_delete"] as? [String] == [])
        // The native CLI sees the same: created with 3 partitions and its override, then gone.
        let listed = try CLI.run(["topics", "list", "--bootstrap-server", broker.bootstrap])
        #expect(!listed.stdoutText.contains("admin-orders"), "\(listed.stdoutText)")
    }

    @Test func kafkaPythonConsumesInAGroupAndItsAdminClientListsAndDescribesIt() throws {
        let broker = try BrokerProcess(overrides: KafkaGroupTests.overrides)
        defer {
            broker.stop()
            broker.removeData()
        }
        try KafkaGroupTests.produce((1...100).map(String.init), topic: "kp-group", partitions: 1, broker: broker)
        let output = try Self.run(Self.venvPython, "kafka_python_groups.py", [broker.bootstrap, "kp-group", "readers", "60"])
        #expect(output["values"] as? [String] == (1...60).map(String.init))
        #expect((output["listed"] as? [[String]])?.contains(["readers", "consumer"]) == true, "\(output)")
        #expect(output["state"] as? String == "Stable")
        #expect(output["protocol_type"] as? String == "consumer")
        #expect((output["protocol"] as? String)?.isEmpty == false)
        #expect(output["members"] as? [String] == ["kafka-python-3.0.12"])
        #expect(output["offsets"] as? [[AnyHashable]] == [["kp-group", 0, 60]])
    }
}
