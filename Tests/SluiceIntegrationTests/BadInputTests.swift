import Foundation
import NIOCore
import SluiceWire
import Testing

/// Hostile bytes on the native port: each gets an error response or a closed connection, nothing of
/// a claimed size is allocated, and the broker keeps serving other clients.
@Suite(.serialized)
struct BadInputTests {
    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func stillServes(_ broker: BrokerProcess) throws {
        let result = try CLI.run(["topics", "list", "--bootstrap-server", broker.bootstrap])
        #expect(result.status == 0, "broker stopped serving: \(result.stderr)")
        #expect(result.stdoutText.contains("bad"))
    }

    static func encode(_ request: Request) -> [UInt8] {
        var body = WireCodec.encode(request)
        return RawSocket.frame(body.readBytes(length: body.readableBytes)!)
    }

    @Test func hostileFramesAreRefusedAndTheBrokerKeepsServing() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "bad", "--bootstrap-server", broker.bootstrap]).status == 0)
        let rssBefore = Self.residentKiB(broker.pid)

        // A length prefix of 2 GiB: refused before allocating, connection closed.
        let huge = try RawSocket(port: broker.nativePort)
        huge.send([0x80, 0x00, 0x00, 0x00, 1, 2, 3])
        #expect(huge.isClosedByPeer())
        #expect(Self.residentKiB(broker.pid) < rssBefore + 100_000, "RSS grew after a 2 GiB length prefix")
        try Self.stillServes(broker)

        // Random bytes (fixed seed), in a few shapes.
        var generator = SplitMix64(seed: 42)
        for _ in 0..<20 {
            let socket = try RawSocket(port: broker.nativePort)
            socket.send((0..<Int.random(in: 1...4096, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            socket.send(RawSocket.frame([0xff, 0xff, 0xff]))
        }
        try Self.stillServes(broker)

        // A frame whose body is not protobuf: connection closed or an error response.
        let garbage = try RawSocket(port: broker.nativePort)
        garbage.send(RawSocket.frame([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
        if let reply = garbage.readFrame() {
            let response = try WireCodec.decodeResponse(ByteBuffer(bytes: reply))
            #expect(response.errorCode != .none)
        }
        try Self.stillServes(broker)
    }

    @Test func unknownApiGetsAnErrorResponseWithItsCorrelationId() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "bad", "--bootstrap-server", broker.bootstrap]).status == 0)
        // RequestFrame { correlation_id = 77, client_id = "x" } and no body: field 1 varint 77, field 2 "x".
        let socket = try RawSocket(port: broker.nativePort)
        socket.send(RawSocket.frame([0x08, 77, 0x12, 0x01, 0x78]))
        let reply = try #require(socket.readFrame())
        let response = try WireCodec.decodeResponse(ByteBuffer(bytes: reply))
        #expect(response.correlationId == 77)
        #expect(response.errorCode == .invalidRequest)
        // The connection stays usable.
        socket.send(Self.encode(Request(correlationId: 78, body: .metadata(MetadataRequest(topics: nil)))))
        let next = try WireCodec.decodeResponse(ByteBuffer(bytes: try #require(socket.readFrame())))
        #expect(next.correlationId == 78)
        try Self.stillServes(broker)
    }

    @Test func batchWithWrongCrcIsRefusedAsCorruptMessage() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "bad", "--bootstrap-server", broker.bootstrap]).status == 0)
        var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
        builder.append(key: nil, value: Array("hello".utf8), timestamp: 1_700_000_000_000)
        var batch = builder.finish()
        let last = batch.writerIndex - 1
        batch.setInteger(batch.getInteger(at: last, as: UInt8.self)! ^ 0x01, at: last)
        let request = Request(correlationId: 5, body: .produce(ProduceRequest(
            acks: 1, timeoutMs: 5000,
            topics: [ProduceTopicData(name: "bad", partitions: [ProducePartitionData(partition: 0, records: batch)])])))
        let socket = try RawSocket(port: broker.nativePort)
        socket.send(Self.encode(request))
        let response = try WireCodec.decodeResponse(ByteBuffer(bytes: try #require(socket.readFrame())))
        guard case .produce(let produce) = response.body else { Issue.record("not a produce response"); return }
        #expect(produce.topics.first?.partitions.first?.errorCode == .corruptMessage)
        let describe = try CLI.run(["topics", "describe", "bad", "--bootstrap-server", broker.bootstrap])
        #expect(describe.stdoutText.contains("LogEndOffset: 0"), "a corrupt batch was appended: \(describe.stdoutText)")
    }
}

/// A small deterministic PRNG so random-input tests replay exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
