import Foundation
import NIOCore
import SluiceKafka
import SluiceWire
import Testing

/// Hostile and malformed Kafka requests against a real broker: each gets an error or a closed connection, never a
/// crash, and the broker keeps serving both protocols.
@Suite struct KafkaBadInputTests {
    /// A Kafka request frame: length, header v1 (`key`, `version`, correlation id 7, client "bad"), then `body`.
    static func frame(key: Int16, version: Int16, body: [UInt8] = []) -> [UInt8] {
        var writer = KafkaWriter()
        writer.int16(key)
        writer.int16(version)
        writer.int32(7)
        writer.string("bad")
        let header = Array(writer.buffer.readableBytesView)
        let payload = header + body
        return withUnsafeBytes(of: Int32(payload.count).bigEndian, Array.init) + payload
    }

    /// Whether the broker closed the connection after `bytes` (nothing came back before the close).
    static func closes(_ bytes: [UInt8], port: Int) throws -> Bool {
        let socket = try RawSocket(port: port)
        socket.send(bytes)
        return socket.readFrame() == nil
    }

    @Test func everyApiAtAnUnservedVersionAndEveryMalformedBodyIsRefusedWithoutHarm() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        // An unadvertised version of each served API closes the connection (Kafka does the same)...
        for api in KafkaApiKey.allCases where api != .apiVersions {
            let unserved = api.advertisedVersions.upperBound + 1
            #expect(try Self.closes(Self.frame(key: api.rawValue, version: unserved), port: broker.nativePort), "\(api.name)")
            // ... and so does a missing body at a served version (ListGroups has none to miss).
            guard api != .listGroups else { continue }
            #expect(
                try Self.closes(Self.frame(key: api.rawValue, version: api.servedVersions.lowerBound), port: broker.nativePort),
                "\(api.name) without its body")
        }
        // An API key Sluice does not serve (DescribeAcls, 29) closes; ApiVersions at v9 answers UNSUPPORTED_VERSION.
        #expect(try Self.closes(Self.frame(key: 29, version: 0), port: broker.nativePort))
        let socket = try RawSocket(port: broker.nativePort)
        socket.send(Self.frame(key: 18, version: 9))
        let answer = try #require(socket.readFrame())
        #expect(Array(answer[4..<6]) == [0, 35], "UNSUPPORTED_VERSION in the v0 layout")
        // Arrays that claim more elements than bytes remain, and a string longer than the request.
        let hugeArray: [UInt8] = [0x7f, 0xff, 0xff, 0xff]
        #expect(try Self.closes(Self.frame(key: 3, version: 8, body: hugeArray + [1, 1, 1]), port: broker.nativePort))
        #expect(try Self.closes(Self.frame(key: 0, version: 8, body: [0xff, 0xff, 0, 1, 0, 0, 0, 0] + hugeArray), port: broker.nativePort))
        #expect(try Self.closes(Self.frame(key: 11, version: 5, body: [0x7f, 0xff]), port: broker.nativePort))
        // Random bytes behind a Kafka-looking first byte, many times.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let body = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let key = Int16.random(in: 0...40, using: &generator)
            _ = try Self.closes(Self.frame(key: key, version: Int16.random(in: 0...12, using: &generator), body: body), port: broker.nativePort)
        }
        #expect(broker.isRunning)
        // Both protocols still work.
        let created = try CLI.run(["topics", "create", "after", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let listed = try KafkaClientTests.kcat(["-b", broker.bootstrap, "-L", "-t", "after"])
        #expect(listed.status == 0 && listed.output.contains("topic \"after\""), "\(listed.output)")
    }

    @Test func aProducedBatchThatBreaksKafkasRulesIsRefusedPerPartition() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "strict", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        // A native batch (magic 1) sent as Kafka's Produce v8: INVALID_RECORD for that partition, nothing stored.
        var builder = RecordBatchBuilder(firstTimestamp: 1_000)
        builder.append(key: nil, value: Array("x".utf8), timestamp: 1_000)
        let batch = Array(builder.finish().readableBytesView)
        var body = KafkaWriter()
        body.string(nil)
        body.int16(1)
        body.int32(1_000)
        body.int32(1)
        body.string("strict")
        body.int32(1)
        body.int32(0)
        body.int32(Int32(batch.count))
        let request = Self.frame(key: 0, version: 8, body: Array(body.buffer.readableBytesView) + batch)
        let socket = try RawSocket(port: broker.nativePort)
        socket.send(request)
        let answer = try #require(socket.readFrame())
        var reader = KafkaReader(ByteBuffer(bytes: answer))
        _ = try (reader.int32(), reader.arrayLength(), reader.string(), reader.arrayLength(), reader.int32())
        #expect(try reader.int16() == ErrorCode.invalidRecord.rawValue)
        let described = try CLI.run(["topics", "describe", "strict", "--bootstrap-server", broker.bootstrap])
        #expect(described.stdoutText.contains("LogEndOffset: 0"), "\(described.stdoutText)")
    }

    /// One Kafka request over a fresh connection; the response body after the correlation id.
    static func call(_ port: Int, key: Int16, version: Int16, _ write: (inout KafkaWriter) -> Void) throws -> KafkaReader {
        var body = KafkaWriter()
        write(&body)
        let socket = try RawSocket(port: port)
        socket.send(frame(key: key, version: version, body: Array(body.buffer.readableBytesView)))
        var reader = KafkaReader(ByteBuffer(bytes: try #require(socket.readFrame())))
        _ = try reader.int32()
        return reader
    }

    /// KIP-320 fencing: ListOffsets v4+ and OffsetForLeaderEpoch v2+ carry the client's current leader epoch; an
    /// older one is FENCED_LEADER_EPOCH (74), a newer one UNKNOWN_LEADER_EPOCH (75), the right one or -1 answers.
    @Test func listOffsetsAndOffsetForLeaderEpochFenceTheClientsLeaderEpoch() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "fenced", "--partitions", "1", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        // A single broker's first leader epoch is 0: -1 is "unchecked", 1 is from the future; nothing is older.
        func listOffsets(currentLeaderEpoch: Int32) throws -> (ErrorCode, Int64) {
            var reader = try Self.call(broker.nativePort, key: 2, version: 5) { writer in
                writer.int32(-1)
                writer.int8(0)
                writer.array(["fenced"]) { writer, topic in
                    writer.string(topic)
                    writer.array([Int32(0)]) { writer, partition in
                        writer.int32(partition)
                        writer.int32(currentLeaderEpoch)
                        writer.int64(-1)
                    }
                }
            }
            _ = try (reader.int32(), reader.arrayLength(), reader.string(), reader.arrayLength(), reader.int32())
            let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
            _ = try reader.int64()
            return (error, try reader.int64())
        }
        #expect(try listOffsets(currentLeaderEpoch: 0) == (.none, 0))
        #expect(try listOffsets(currentLeaderEpoch: -1) == (.none, 0))
        #expect(try listOffsets(currentLeaderEpoch: 1).0 == .unknownLeaderEpoch)
        func endOffset(currentLeaderEpoch: Int32) throws -> ErrorCode {
            var reader = try Self.call(broker.nativePort, key: 23, version: 3) { writer in
                writer.int32(-1)
                writer.array(["fenced"]) { writer, topic in
                    writer.string(topic)
                    writer.array([Int32(0)]) { writer, partition in
                        writer.int32(partition)
                        writer.int32(currentLeaderEpoch)
                        writer.int32(0)
                    }
                }
            }
            _ = try (reader.int32(), reader.arrayLength(), reader.string(), reader.arrayLength())
            return ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
        }
        #expect(try endOffset(currentLeaderEpoch: 0) == .none)
        #expect(try endOffset(currentLeaderEpoch: 7) == .unknownLeaderEpoch)
    }

    @Test func groupKeysBoundSessionTimeoutsAndCommitMetadata() throws {
        let broker = try BrokerProcess(overrides: KafkaGroupTests.overrides + [
            "group.max.session.timeout.ms=10000", "offset.metadata.max.bytes=100",
        ])
        defer {
            broker.stop()
            broker.removeData()
        }
        // FindCoordinator until __consumer_offsets has a leader (created by the first call).
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        var found = ErrorCode.coordinatorNotAvailable
        while found != .none, ContinuousClock.now < deadline {
            var reader = try Self.call(broker.nativePort, key: 10, version: 1) { $0.string("bounded"); $0.int8(0) }
            _ = try reader.int32()
            found = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
        }
        #expect(found == .none)
        func join(sessionTimeoutMs: Int32) throws -> ErrorCode {
            var reader = try Self.call(broker.nativePort, key: 11, version: 3) { writer in
                writer.string("bounded")
                writer.int32(sessionTimeoutMs)
                writer.int32(sessionTimeoutMs)
                writer.string("")
                writer.string("consumer")
                writer.array(["range"]) { $0.string($1); $0.nullableBytes(ByteBuffer(bytes: [0, 0])) }
            }
            _ = try reader.int32()
            return ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
        }
        #expect(try join(sessionTimeoutMs: 20_000) == .invalidSessionTimeout, "above group.max.session.timeout.ms")
        #expect(try join(sessionTimeoutMs: 500) == .invalidSessionTimeout, "below group.min.session.timeout.ms")
        func commit(metadataBytes: Int) throws -> ErrorCode {
            var reader = try Self.call(broker.nativePort, key: 8, version: 7) { writer in
                writer.string("bounded")
                writer.int32(-1)
                writer.string("")
                writer.string(nil)
                writer.array(["orders"]) { writer, topic in
                    writer.string(topic)
                    writer.array([Int32(0)]) { writer, partition in
                        writer.int32(partition)
                        writer.int64(5)
                        writer.int32(-1)
                        writer.string(String(repeating: "m", count: metadataBytes))
                    }
                }
            }
            _ = try (reader.int32(), reader.arrayLength(), reader.string(), reader.arrayLength(), reader.int32())
            return ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
        }
        #expect(try commit(metadataBytes: 101) == .offsetMetadataTooLarge, "above offset.metadata.max.bytes")
        #expect(try commit(metadataBytes: 100) == .none)
    }
}
