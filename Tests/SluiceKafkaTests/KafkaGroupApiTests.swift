import NIOCore
import SluiceKafka
import SluiceWire
import Testing

/// The group APIs' layouts by version, as Kafka's message JSON defines them.
@Suite struct KafkaGroupApiTests {
    static func body(_ write: (inout KafkaWriter) -> Void) -> KafkaReader {
        var writer = KafkaWriter()
        write(&writer)
        return KafkaReader(writer.buffer)
    }

    @Test func joinGroupByVersion() throws {
        for version: Int16 in [0, 1, 4, 5] {
            var reader = Self.body { writer in
                writer.string("billing")
                writer.int32(10_000)
                if version >= 1 { writer.int32(30_000) }
                writer.string("")
                if version >= 5 { writer.string("instance-1") }
                writer.string("consumer")
                writer.int32(2)
                writer.string("range")
                writer.nullableBytes(ByteBuffer(bytes: [1, 2]))
                writer.string("roundrobin")
                writer.nullableBytes(ByteBuffer(bytes: [3]))
            }
            let request = try KafkaJoinGroup.decodeRequest(&reader, version: version)
            #expect(reader.remaining == 0, "v\(version)")
            #expect(request.groupId == "billing")
            #expect(request.rebalanceTimeoutMs == (version >= 1 ? 30_000 : -1))
            #expect(request.groupInstanceId == (version >= 5 ? "instance-1" : nil))
            #expect(request.protocols.map(\.name) == ["range", "roundrobin"])
            #expect(request.protocols[0].metadata == ByteBuffer(bytes: [1, 2]))
        }
        let response = KafkaJoinGroup.Response(
            errorCode: .none, generationId: 4, protocolName: "range", leader: "m1", memberId: "m1",
            members: [("m1", nil, ByteBuffer(bytes: [9]))])
        var v5 = KafkaReader(KafkaJoinGroup.responseBody(response, version: 5))
        #expect(try v5.int32() == 0)
        #expect(try v5.int16() == 0)
        #expect(try v5.int32() == 4)
        #expect(try v5.string() == "range")
        #expect(try v5.string() == "m1")
        #expect(try v5.string() == "m1")
        #expect(try v5.arrayLength() == 1)
        #expect(try v5.string() == "m1")
        #expect(try v5.nullableString() == nil, "group_instance_id (v5+)")
        #expect(try v5.nullableBytes() == ByteBuffer(bytes: [9]))
        #expect(v5.remaining == 0)
        var v0 = KafkaReader(KafkaJoinGroup.responseBody(response, version: 0))
        _ = try (v0.int16(), v0.int32(), v0.string(), v0.string(), v0.string(), v0.arrayLength(), v0.string())
        #expect(try v0.nullableBytes() == ByteBuffer(bytes: [9]))
        #expect(v0.remaining == 0, "v0: no throttle time, no instance id")
    }

    @Test func syncHeartbeatAndLeaveByVersion() throws {
        var sync = Self.body { writer in
            writer.string("g")
            writer.int32(3)
            writer.string("m1")
            writer.string(nil)
            writer.int32(1)
            writer.string("m1")
            writer.nullableBytes(ByteBuffer(bytes: [7]))
        }
        let syncRequest = try KafkaSyncGroup.decodeRequest(&sync, version: 3)
        #expect(sync.remaining == 0)
        #expect(syncRequest.assignments == ["m1": ByteBuffer(bytes: [7])])
        var syncResponse = KafkaReader(KafkaSyncGroup.responseBody(errorCode: .rebalanceInProgress, assignment: ByteBuffer(), version: 1))
        #expect(try syncResponse.int32() == 0)
        #expect(try syncResponse.int16() == 27)
        #expect(try syncResponse.nullableBytes()?.readableBytes == 0)
        var heartbeat = Self.body { writer in
            writer.string("g")
            writer.int32(3)
            writer.string("m1")
        }
        #expect(try KafkaHeartbeat.decodeRequest(&heartbeat, version: 2).generationId == 3)
        #expect(KafkaHeartbeat.responseBody(errorCode: .none, version: 0).readableBytes == 2)
        #expect(KafkaHeartbeat.responseBody(errorCode: .none, version: 3).readableBytes == 6)
        var leaveV1 = Self.body { writer in
            writer.string("g")
            writer.string("m1")
        }
        #expect(try KafkaLeaveGroup.decodeRequest(&leaveV1, version: 1).memberIds == ["m1"])
        var leaveV3 = Self.body { writer in
            writer.string("g")
            writer.int32(2)
            writer.string("m1")
            writer.string(nil)
            writer.string("m2")
            writer.string("i2")
        }
        #expect(try KafkaLeaveGroup.decodeRequest(&leaveV3, version: 3).memberIds == ["m1", "m2"])
        var leftV3 = KafkaReader(KafkaLeaveGroup.responseBody(errorCode: .none, members: [("m1", .none), ("m2", .unknownMemberId)], version: 3))
        _ = try (leftV3.int32(), leftV3.int16())
        #expect(try leftV3.arrayLength() == 2)
        _ = try (leftV3.string(), leftV3.nullableString(), leftV3.int16(), leftV3.string(), leftV3.nullableString())
        #expect(try leftV3.int16() == 25)
        #expect(leftV3.remaining == 0)
    }

    @Test func offsetCommitAndFetchByVersion() throws {
        for version: Int16 in [2, 5, 6, 7] {
            var reader = Self.body { writer in
                writer.string("g")
                writer.int32(5)
                writer.string("m1")
                if version <= 4 { writer.int64(-1) }
                if version >= 7 { writer.string(nil) }
                writer.int32(1)
                writer.string("orders")
                writer.int32(1)
                writer.int32(2)
                writer.int64(99)
                if version >= 6 { writer.int32(4) }
                writer.string("meta")
            }
            let request = try KafkaOffsetCommit.decodeRequest(&reader, version: version)
            #expect(reader.remaining == 0, "v\(version)")
            #expect(request.generationId == 5)
            #expect(request.topics[0].partitions == [.init(index: 2, offset: 99, leaderEpoch: version >= 6 ? 4 : -1, metadata: "meta")])
            var response = KafkaReader(KafkaOffsetCommit.responseBody(request, errors: [.illegalGeneration], version: version))
            if version >= 3 { _ = try response.int32() }
            _ = try (response.arrayLength(), response.string(), response.arrayLength(), response.int32())
            #expect(try response.int16() == 22)
            #expect(response.remaining == 0)
        }
        var all = Self.body { writer in
            writer.string("g")
            writer.int32(-1)
        }
        #expect(try KafkaOffsetFetch.decodeRequest(&all, version: 2).partitions == nil, "null topics: every partition")
        let entries = [
            KafkaOffsetFetch.Entry(
                topicPartition: TopicPartition(topic: "orders", partition: 2), offset: 99, leaderEpoch: 4, metadata: "",
                errorCode: .none)
        ]
        var v5 = KafkaReader(KafkaOffsetFetch.responseBody(entries, errorCode: .none, version: 5))
        _ = try (v5.int32(), v5.arrayLength(), v5.string(), v5.arrayLength(), v5.int32())
        #expect(try v5.int64() == 99)
        #expect(try v5.int32() == 4, "committed_leader_epoch (v5+)")
        _ = try (v5.nullableString(), v5.int16())
        #expect(try v5.int16() == 0, "group error (v2+)")
        #expect(v5.remaining == 0)
        var v1 = KafkaReader(KafkaOffsetFetch.responseBody(entries, errorCode: .none, version: 1))
        _ = try (v1.arrayLength(), v1.string(), v1.arrayLength(), v1.int32(), v1.int64(), v1.nullableString(), v1.int16())
        #expect(v1.remaining == 0, "v1: no throttle time, epoch or group error")
    }

    @Test func findCoordinatorListAndDescribeGroups() throws {
        var find = Self.body { writer in
            writer.string("billing")
            writer.int8(0)
        }
        #expect(try KafkaFindCoordinator.decodeRequest(&find, version: 1) == .init(key: "billing", keyType: 0))
        var found = KafkaReader(KafkaFindCoordinator.responseBody(
            .init(errorCode: .none, errorMessage: nil, nodeId: 2, host: "127.0.0.1", port: 9092), version: 2))
        _ = try found.int32()
        #expect(try found.int16() == 0)
        #expect(try found.nullableString() == nil)
        #expect(try found.int32() == 2)
        #expect(try found.string() == "127.0.0.1")
        #expect(try found.int32() == 9092)
        #expect(found.remaining == 0)
        var listed = KafkaReader(KafkaListGroups.responseBody([("billing", "consumer")], version: 2))
        _ = try (listed.int32(), listed.int16(), listed.arrayLength())
        #expect(try listed.string() == "billing")
        #expect(try listed.string() == "consumer")
        #expect(listed.remaining == 0)
        let group = KafkaDescribeGroups.Group(
            errorCode: .none, groupId: "billing", state: "Stable", protocolType: "consumer", protocolData: "range",
            members: [.init(memberId: "m1", groupInstanceId: nil, clientId: "c", clientHost: "/127.0.0.1",
                            metadata: ByteBuffer(bytes: [1]), assignment: ByteBuffer(bytes: [2]))])
        for version: Int16 in [0, 3, 4] {
            var reader = KafkaReader(KafkaDescribeGroups.responseBody([group], version: version))
            if version >= 1 { _ = try reader.int32() }
            _ = try (reader.arrayLength(), reader.int16(), reader.string())
            #expect(try reader.string() == "Stable")
            _ = try (reader.string(), reader.string(), reader.arrayLength(), reader.string())
            if version >= 4 { _ = try reader.nullableString() }
            _ = try (reader.string(), reader.string(), reader.nullableBytes())
            #expect(try reader.nullableBytes() == ByteBuffer(bytes: [2]))
            if version >= 3 { #expect(try reader.int32() == Int32.min) }
            #expect(reader.remaining == 0, "v\(version)")
        }
    }
}
