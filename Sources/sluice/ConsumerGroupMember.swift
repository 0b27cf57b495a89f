import NIOCore
import SluiceClient
import SluiceKafka
import SluiceWire

/// A member of a Kafka consumer group, for `perf consume --group`: Kafka's classic protocol spoken to the group's
/// coordinator (JoinGroup v5, SyncGroup v3, Heartbeat v3, OffsetCommit v7, LeaveGroup v3), with the range
/// assignor when it is the leader. It joins the way a Kafka consumer does, so it shares a group with kcat,
/// librdkafka or kafka-python consumers. Each call opens a connection to the coordinator and closes it (a CLI
/// makes a handful per run). Not an actor: one task joins and commits; the heartbeat task only reads.
struct ConsumerGroupMember: Sendable {
    /// One generation's membership.
    struct Generation: Sendable {
        let generationId: Int32
        let memberId: String
        let partitions: [TopicPartition]
    }

    let group: String
    let topic: String
    let coordinator: BrokerInfo
    /// session.timeout.ms: the coordinator drops this member after this long without a heartbeat.
    let sessionTimeoutMs: Int32
    /// max.poll.interval.ms's role here: how long the coordinator waits for every member to rejoin.
    let rebalanceTimeoutMs: Int32
    /// heartbeat.interval.ms
    var heartbeatIntervalMs: Int64 { Int64(sessionTimeoutMs) / 3 }

    /// Joins (or rejoins with `memberId`) and syncs; when chosen leader, assigns every member's subscription with
    /// the range assignor, looking partition counts up with `partitionCount`. Bound: MEMBER_ID_REQUIRED and
    /// REBALANCE_IN_PROGRESS are retried at most 10 times, other errors throw.
    func join(
        memberId initialMemberId: String, partitionCount: (String) async throws -> Int32
    ) async throws -> Generation {
        var memberId = initialMemberId
        for _ in 0..<10 {
            let joined = try await joinGroup(memberId: memberId)
            switch joined.error {
            case .memberIdRequired, .unknownMemberId:
                memberId = joined.error == .memberIdRequired ? joined.memberId : ""
                continue
            case .none:
                break
            default:
                throw SluiceError(joined.error, "joining group '\(group)'")
            }
            memberId = joined.memberId
            var assignments: [(String, ByteBuffer)] = []
            if joined.leader == joined.memberId {
                var counts: [String: Int32] = [:]
                for topic in Set(joined.members.flatMap(\.topics)) { counts[topic] = try await partitionCount(topic) }
                let assigned = KafkaConsumerProtocol.rangeAssignment(subscriptions: joined.members, partitionCounts: counts)
                assignments = assigned.sorted { $0.key < $1.key }.map { ($0.key, KafkaConsumerProtocol.assignment($0.value)) }
            }
            let (error, assignment) = try await syncGroup(
                generationId: joined.generationId, memberId: memberId, assignments: assignments)
            if error == .rebalanceInProgress { continue }
            guard error == .none else { throw SluiceError(error, "syncing group '\(group)'") }
            return Generation(
                generationId: joined.generationId, memberId: memberId,
                partitions: KafkaConsumerProtocol.assignedPartitions(assignment).filter { $0.topic == topic })
        }
        throw SluiceError(.rebalanceInProgress, "group '\(group)' kept rebalancing while joining")
    }

    private struct Joined {
        var error: ErrorCode
        var generationId: Int32
        var leader: String
        var memberId: String
        var members: [(memberId: String, topics: [String])]
    }

    private func joinGroup(memberId: String) async throws -> Joined {
        var body = KafkaWriter()
        body.string(group)
        body.int32(sessionTimeoutMs)
        body.int32(rebalanceTimeoutMs)
        body.string(memberId)
        body.string(nil)  // group.instance.id
        body.string("consumer")
        body.array(["range"]) { writer, name in
            writer.string(name)
            writer.nullableBytes(KafkaConsumerProtocol.subscription(topics: [topic]))
        }
        var reader = try await call(.joinGroup, version: 5, body: body.buffer)
        _ = try reader.int32()
        var joined = Joined(
            error: ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError, generationId: try reader.int32(),
            leader: "", memberId: "", members: [])
        _ = try reader.string()  // protocol name
        joined.leader = try reader.string()
        joined.memberId = try reader.string()
        for _ in 0..<(try reader.arrayLength() ?? 0) {
            let member = try reader.string()
            _ = try reader.nullableString()
            let metadata = try reader.nullableBytes() ?? ByteBuffer()
            joined.members.append((member, KafkaConsumerProtocol.subscribedTopics(metadata)))
        }
        return joined
    }

    private func syncGroup(
        generationId: Int32, memberId: String, assignments: [(String, ByteBuffer)]
    ) async throws -> (ErrorCode, ByteBuffer) {
        var body = KafkaWriter()
        body.string(group)
        body.int32(generationId)
        body.string(memberId)
        body.string(nil)
        body.array(assignments) { writer, entry in
            writer.string(entry.0)
            writer.nullableBytes(entry.1)
        }
        var reader = try await call(.syncGroup, version: 3, body: body.buffer)
        _ = try reader.int32()
        let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
        return (error, try reader.nullableBytes() ?? ByteBuffer())
    }

    /// One heartbeat: NONE, or the error that says the member must rejoin (REBALANCE_IN_PROGRESS,
    /// ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID).
    func heartbeat(_ generation: Generation) async throws -> ErrorCode {
        var body = KafkaWriter()
        body.string(group)
        body.int32(generation.generationId)
        body.string(generation.memberId)
        body.string(nil)
        var reader = try await call(.heartbeat, version: 3, body: body.buffer)
        _ = try reader.int32()
        return ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
    }

    /// Commits `offsets` (the next offset to read, per partition) in `generation`; a rebalance under way fails it
    /// with REBALANCE_IN_PROGRESS, which the caller reports (the next member resumes from the last commit).
    func commit(_ offsets: [TopicPartition: Int64], in generation: Generation) async throws {
        try await GroupAdmin.commit(
            offsets, group: group, on: coordinator, generationId: generation.generationId,
            memberId: generation.memberId)
    }

    /// Leaves the group, so the others rebalance at once instead of after this member's session timeout.
    func leave(_ generation: Generation) async throws {
        var body = KafkaWriter()
        body.string(group)
        body.array([generation.memberId]) { writer, memberId in
            writer.string(memberId)
            writer.string(nil)
        }
        var reader = try await call(.leaveGroup, version: 3, body: body.buffer)
        _ = try reader.int32()
        let error = ErrorCode(rawValue: try reader.int16()) ?? .unknownServerError
        guard error == .none || error == .unknownMemberId else { throw SluiceError(error, "leaving group '\(group)'") }
    }

    private func call(_ api: KafkaApiKey, version: Int16, body: ByteBuffer) async throws -> KafkaReader {
        try await KafkaAdminConnection.with(host: coordinator.host, port: Int(coordinator.port)) { connection in
            try await connection.call(api, version: version, body: body)
        }
    }
}
