import NIOCore
import SluiceKafka
import SluiceWire

/// The client side of the group APIs `sluice groups` uses, over Kafka's protocol (the native protocol has no
/// group APIs): FindCoordinator v2, ListGroups v2, DescribeGroups v4, OffsetFetch v5, OffsetCommit v7. Each
/// call opens a connection to the broker it needs and closes it.
enum GroupAdmin {
    struct Member {
        var memberId: String
        var clientId: String
        var clientHost: String
        var assigned: [TopicPartition]
    }

    struct Description {
        var state: String
        var protocolType: String
        var members: [Member]
    }

    /// The broker coordinating `group`, asked of `broker`.
    static func coordinator(of group: String, asking broker: BrokerInfo) async throws -> BrokerInfo {
        try await KafkaAdminConnection.with(host: broker.host, port: Int(broker.port)) { connection in
            var body = KafkaWriter()
            body.string(group)
            body.int8(0)
            // Bound: the coordinator's partition may need a moment to get a leader after __consumer_offsets appears.
            for attempt in 1...20 {
                var reader = try await connection.call(.findCoordinator, version: 2, body: body.buffer)
                _ = try reader.int32()
                let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
                let message = try reader.nullableString()
                let node = try reader.int32()
                let host = try reader.string()
                let port = try reader.int32()
                if error == .none { return BrokerInfo(nodeId: node, host: host, port: port) }
                guard error.isRetriable, attempt < 20 else {
                    throw SluiceError(error, "no coordinator for group '\(group)': \(message ?? error.name)")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            preconditionFailure("the loop returns or throws")
        }
    }

    /// The groups `broker` coordinates, with their protocol type.
    static func listGroups(on broker: BrokerInfo) async throws -> [(group: String, protocolType: String)] {
        try await KafkaAdminConnection.with(host: broker.host, port: Int(broker.port)) { connection in
            var reader = try await connection.call(.listGroups, version: 2, body: ByteBuffer())
            _ = try reader.int32()
            let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
            guard error == .none else { throw SluiceError(error, "ListGroups on \(broker.host):\(broker.port)") }
            var groups: [(group: String, protocolType: String)] = []
            for _ in 0..<(try reader.arrayLength() ?? 0) { groups.append((try reader.string(), try reader.string())) }
            return groups
        }
    }

    /// DescribeGroups for `group` on its coordinator.
    static func describe(_ group: String, on coordinator: BrokerInfo) async throws -> Description {
        try await KafkaAdminConnection.with(host: coordinator.host, port: Int(coordinator.port)) { connection in
            var body = KafkaWriter()
            body.array([group]) { $0.string($1) }
            body.bool(false)
            var reader = try await connection.call(.describeGroups, version: 4, body: body.buffer)
            _ = try reader.int32()
            guard try reader.arrayLength() == 1 else { throw SluiceError(.unknownServerError, "DescribeGroups answered no group") }
            let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
            _ = try reader.string()
            let state = try reader.string()
            let protocolType = try reader.string()
            _ = try reader.string()
            var members: [Member] = []
            for _ in 0..<(try reader.arrayLength() ?? 0) {
                let memberId = try reader.string()
                _ = try reader.nullableString()
                let clientId = try reader.string()
                let clientHost = try reader.string()
                _ = try reader.nullableBytes()
                let assignment = try reader.nullableBytes() ?? ByteBuffer()
                members.append(
                    Member(
                        memberId: memberId, clientId: clientId, clientHost: clientHost,
                        assigned: KafkaConsumerProtocol.assignedPartitions(assignment)))
            }
            guard error == .none else { throw SluiceError(error, "cannot describe group '\(group)'") }
            return Description(state: state, protocolType: protocolType, members: members)
        }
    }

    /// Every offset `group` committed, by partition.
    static func committedOffsets(_ group: String, on coordinator: BrokerInfo) async throws -> [TopicPartition: Int64] {
        try await KafkaAdminConnection.with(host: coordinator.host, port: Int(coordinator.port)) { connection in
            var body = KafkaWriter()
            body.string(group)
            body.int32(-1)  // every partition
            var reader = try await connection.call(.offsetFetch, version: 5, body: body.buffer)
            _ = try reader.int32()
            var offsets: [TopicPartition: Int64] = [:]
            for _ in 0..<(try reader.arrayLength() ?? 0) {
                let topic = try reader.string()
                for _ in 0..<(try reader.arrayLength() ?? 0) {
                    let partition = try reader.int32()
                    let offset = try reader.int64()
                    _ = try (reader.int32(), reader.nullableString(), reader.int16())
                    if offset >= 0 { offsets[TopicPartition(topic: topic, partition: partition)] = offset }
                }
            }
            let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
            guard error == .none else { throw SluiceError(error, "cannot fetch the offsets of group '\(group)'") }
            return offsets
        }
    }

    /// Commits `offsets` for `group`: outside any generation by default (the group must have no members), as
    /// kafka-consumer-groups --reset-offsets does, or as member `memberId` of generation `generationId`.
    static func commit(
        _ offsets: [TopicPartition: Int64], group: String, on coordinator: BrokerInfo, generationId: Int32 = -1,
        memberId: String = ""
    ) async throws {
        let byTopic = Dictionary(grouping: offsets.keys, by: \.topic).sorted { $0.key < $1.key }
        try await KafkaAdminConnection.with(host: coordinator.host, port: Int(coordinator.port)) { connection in
            var body = KafkaWriter()
            body.string(group)
            body.int32(generationId)
            body.string(memberId)
            body.string(nil)  // group instance id
            body.array(byTopic) { writer, topic in
                writer.string(topic.key)
                writer.array(topic.value.sorted { $0.partition < $1.partition }) { writer, partition in
                    writer.int32(partition.partition)
                    writer.int64(offsets[partition]!)
                    writer.int32(-1)
                    writer.string(nil)
                }
            }
            var reader = try await connection.call(.offsetCommit, version: 7, body: body.buffer)
            _ = try reader.int32()
            for _ in 0..<(try reader.arrayLength() ?? 0) {
                let topic = try reader.string()
                for _ in 0..<(try reader.arrayLength() ?? 0) {
                    let partition = try reader.int32()
                    let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
                    guard error == .none else {
                        throw SluiceError(error, "committing \(topic)-\(partition) for group '\(group)'")
                    }
                }
            }
        }
    }
}
