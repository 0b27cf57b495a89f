import NIOCore
import SluiceBroker
import SluiceGroups
import SluiceKafka
import SluiceWire

/// The group APIs on the Kafka listener: FindCoordinator from the metadata cache (creating `__consumer_offsets` the
/// first time, as Kafka does), the rest handed to this broker's `GroupCoordinator`, which answers
/// NOT_COORDINATOR for a group it does not coordinate.
extension KafkaRequestHandler {
    func groupRequest(
        _ api: KafkaApiKey, _ request: inout KafkaRequest, peer: String
    ) async throws(KafkaProtocolError) -> Reply? {
        let version = request.apiVersion
        switch api {
        case .findCoordinator:
            let wanted = try KafkaFindCoordinator.decodeRequest(&request.body, version: version)
            let answer = await findCoordinator(wanted)
            count(api, [answer.errorCode])
            return reply(request, KafkaFindCoordinator.responseBody(answer, version: version))
        case .joinGroup:
            let wanted = try KafkaJoinGroup.decodeRequest(&request.body, version: version)
            let result = await coordinator.join(
                GroupCoordinator.JoinRequest(
                    groupId: wanted.groupId, memberId: wanted.memberId, groupInstanceId: wanted.groupInstanceId,
                    clientId: request.clientId ?? "", clientHost: peer, sessionTimeoutMs: wanted.sessionTimeoutMs,
                    rebalanceTimeoutMs: wanted.rebalanceTimeoutMs, protocolType: wanted.protocolType,
                    protocols: wanted.protocols, requiresKnownMemberId: version >= 4))
            count(api, [result.errorCode])
            let response = KafkaJoinGroup.Response(
                errorCode: result.errorCode, generationId: result.generationId, protocolName: result.protocolName ?? "",
                leader: result.leaderId, memberId: result.memberId, members: result.members)
            return reply(request, KafkaJoinGroup.responseBody(response, version: version))
        case .syncGroup:
            let wanted = try KafkaSyncGroup.decodeRequest(&request.body, version: version)
            let result = await coordinator.sync(
                groupId: wanted.groupId, generationId: wanted.generationId, memberId: wanted.memberId,
                assignments: wanted.assignments)
            count(api, [result.errorCode])
            return reply(
                request,
                KafkaSyncGroup.responseBody(errorCode: result.errorCode, assignment: result.assignment, version: version))
        case .heartbeat:
            let wanted = try KafkaHeartbeat.decodeRequest(&request.body, version: version)
            let error = await coordinator.heartbeat(
                groupId: wanted.groupId, generationId: wanted.generationId, memberId: wanted.memberId,
                groupInstanceId: wanted.groupInstanceId)
            count(api, [error])
            return reply(request, KafkaHeartbeat.responseBody(errorCode: error, version: version))
        case .leaveGroup:
            let wanted = try KafkaLeaveGroup.decodeRequest(&request.body, version: version)
            let (error, members) = await coordinator.leave(groupId: wanted.groupId, memberIds: wanted.memberIds)
            count(api, Set([error] + members.map(\.1)))
            return reply(request, KafkaLeaveGroup.responseBody(errorCode: error, members: members, version: version))
        case .offsetCommit:
            return try await offsetCommit(&request)
        case .offsetFetch:
            return try await offsetFetch(&request)
        case .listGroups:
            let groups = await coordinator.listGroups()
            count(api, [])
            return reply(
                request,
                KafkaListGroups.responseBody(groups.map { ($0.groupId, $0.protocolType) }, version: version))
        case .describeGroups:
            let names = try KafkaDescribeGroups.decodeRequest(&request.body, version: version)
            var groups: [KafkaDescribeGroups.Group] = []
            for name in names {
                let described = await coordinator.describe(groupId: name)
                groups.append(
                    KafkaDescribeGroups.Group(
                        errorCode: described.errorCode, groupId: name, state: described.state,
                        protocolType: described.protocolType, protocolData: described.protocolName,
                        members: described.members.map {
                            KafkaDescribeGroups.Member(
                                memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, clientId: $0.clientId,
                                clientHost: $0.clientHost, metadata: $0.metadata, assignment: $0.assignment)
                        }))
            }
            count(api, Set(groups.map(\.errorCode)))
            return reply(request, KafkaDescribeGroups.responseBody(groups, version: version))
        default:
            preconditionFailure("\(api.name) is not a group API")
        }
    }

    private func offsetCommit(_ request: inout KafkaRequest) async throws(KafkaProtocolError) -> Reply? {
        let version = request.apiVersion
        let wanted = try KafkaOffsetCommit.decodeRequest(&request.body, version: version)
        let offsets = wanted.topics.flatMap { topic in
            topic.partitions.map {
                GroupCoordinator.OffsetToCommit(
                    topicPartition: TopicPartition(topic: topic.name, partition: $0.index), offset: $0.offset,
                    leaderEpoch: $0.leaderEpoch, metadata: $0.metadata)
            }
        }
        let errors = await coordinator.commit(
            groupId: wanted.groupId, generationId: wanted.generationId, memberId: wanted.memberId, offsets: offsets)
        count(.offsetCommit, Set(errors))
        return reply(request, KafkaOffsetCommit.responseBody(wanted, errors: errors, version: version))
    }

    private func offsetFetch(_ request: inout KafkaRequest) async throws(KafkaProtocolError) -> Reply? {
        let version = request.apiVersion
        let wanted = try KafkaOffsetFetch.decodeRequest(&request.body, version: version)
        let (error, committed) = await coordinator.fetchOffsets(groupId: wanted.groupId, partitions: wanted.partitions)
        // Before v2 there is no group-level error: each partition carries it.
        let partitions = error == .none ? committed.map { ($0.0, $0.1) } : (wanted.partitions ?? []).map { ($0, nil) }
        let entries = partitions.map { topicPartition, commit in
            KafkaOffsetFetch.Entry(
                topicPartition: topicPartition, offset: commit?.offset ?? -1, leaderEpoch: commit?.leaderEpoch ?? -1,
                metadata: commit == nil ? "" : commit?.metadata, errorCode: version < 2 ? error : .none)
        }
        count(.offsetFetch, [error])
        return reply(request, KafkaOffsetFetch.responseBody(entries, errorCode: error, version: version))
    }

    /// The broker leading the group's `__consumer_offsets` partition. The topic is created on first use, with
    /// `offsets.topic.replication.factor` replicas or as many as brokers are registered, and the retention the
    /// coordinator keeps safe (`GroupCoordinator+Retention`); until it has a leader the answer is
    /// COORDINATOR_NOT_AVAILABLE and the client asks again.
    private func findCoordinator(_ request: KafkaFindCoordinator.Request) async -> KafkaFindCoordinator.Response {
        guard request.keyType == 0 else {
            return .init(
                errorCode: .coordinatorNotAvailable, errorMessage: "transaction coordinators are not served")
        }
        let topicName = GroupCoordinator.offsetsTopic
        let partitions = Int32(config.offsetsTopicNumPartitions)
        if broker.cache.image.topics[topicName] == nil {
            let brokers = broker.cache.image.brokers.count
            let create = CreatableTopic(
                name: topicName, numPartitions: partitions,
                replicationFactor: Int32(max(1, min(config.offsetsTopicReplicationFactor, brokers))),
                configs: [
                    ("retention.ms", String(config.offsetsTopicRetentionMs)), ("retention.bytes", "-1"),
                    ("segment.bytes", String(config.offsetsTopicSegmentBytes)),
                ])
            do throws(SluiceError) {
                try await broker.createTopicAnywhere(create)
            } catch where error.code == .topicAlreadyExists {
                // created meanwhile by another broker's request
            } catch {
                logger.warning("could not create \(topicName): \(error)")
            }
        }
        let image = broker.cache.image
        let partition = GroupCoordinator.partition(of: request.key, partitions: partitions)
        guard let state = image.topics[topicName]?.partitions.first(where: { $0.partition == partition }),
            state.leader >= 0, let leader = image.brokers[state.leader]
        else {
            return .init(
                errorCode: .coordinatorNotAvailable,
                errorMessage: "\(topicName)-\(partition) has no leader yet")
        }
        return .init(errorCode: .none, errorMessage: nil, nodeId: leader.nodeId, host: leader.host, port: leader.port)
    }
}
