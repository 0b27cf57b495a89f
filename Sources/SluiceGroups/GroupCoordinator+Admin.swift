import NIOCore
import SluiceWire

/// ListGroups and DescribeGroups, and the consumer-lag gauges: what an operator asks of the coordinator.
extension GroupCoordinator {
    /// Every group coordinated here: with members, or empty but holding committed offsets.
    public func listGroups() -> [GroupListing] {
        var listings: [String: GroupListing] = [:]
        for (groupId, group) in groups {
            listings[groupId] = GroupListing(groupId: groupId, protocolType: group.protocolType ?? "", state: group.state)
        }
        for groupId in offsets.keys where listings[groupId] == nil && !(offsets[groupId]?.isEmpty ?? true) {
            listings[groupId] = GroupListing(groupId: groupId, protocolType: "consumer", state: .empty)
        }
        return listings.values.sorted { $0.groupId < $1.groupId }
    }

    /// DescribeGroups for `groupId`: state, protocol and members with their metadata and assignment. A group this
    /// broker has never seen is reported "Dead" with no members, as Kafka does.
    public func describe(groupId: String) async -> GroupDescription {
        let error = await coordinatorError(for: groupId)
        guard error == .none else {
            return GroupDescription(
                errorCode: error, groupId: groupId, state: "", protocolType: "", protocolName: "", members: [])
        }
        guard let group = groups[groupId] else {
            let state = offsets[groupId]?.isEmpty == false ? GroupState.empty.rawValue : "Dead"
            return GroupDescription(
                errorCode: .none, groupId: groupId, state: state, protocolType: "", protocolName: "", members: [])
        }
        let members = group.sortedMembers.map { member in
            GroupDescription.Member(
                memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                clientHost: member.clientHost, metadata: member.metadata(for: group.protocolName),
                assignment: member.assignment)
        }
        return GroupDescription(
            errorCode: .none, groupId: groupId, state: group.state.rawValue, protocolType: group.protocolType ?? "",
            protocolName: group.protocolName ?? "", members: members)
    }

    /// Consumer lag per committed partition: the high watermark of the replica hosted here (the leader's, or a
    /// follower's as its leader last said) minus the committed offset. Partitions with no replica here have no
    /// lag series (Kafka's coordinator exports none at all).
    func refreshLag() {
        for (groupId, committed) in offsets {
            for (topicPartition, commit) in committed {
                guard let replica = replicaManager.offsetsOfReplica(topicPartition) else { continue }
                metrics.lag(group: groupId, topicPartition: topicPartition, records: max(0, replica.highWatermark - commit.offset))
            }
        }
    }
}
