extension EventEmitter {
    /// `controller_elected` (notice): broker `brokerId` won the controller race at `controllerEpoch` (the
    /// controller key's create revision). `previousController` is nil when there was none (field: `-1`).
    public func controllerElected(brokerId: Int32, controllerEpoch: Int64, previousController: Int32?) {
        let previous = previousController.map { "broker \($0)" } ?? "none"
        emit(
            event: .controllerElected,
            priority: EventKind.controllerElected.defaultPriority,
            message: "Broker \(brokerId) became the controller at epoch \(controllerEpoch) "
                + "(previous controller: \(previous)).",
            fields: [
                ("BROKER_ID", String(brokerId)), ("CONTROLLER_EPOCH", String(controllerEpoch)),
                ("PREVIOUS_CONTROLLER", String(previousController ?? -1)),
            ]
        )
    }

    /// `controller_resigned` (notice): broker `brokerId` stopped being controller of `controllerEpoch`.
    public func controllerResigned(brokerId: Int32, controllerEpoch: Int64, reason: String) {
        emit(
            event: .controllerResigned,
            priority: EventKind.controllerResigned.defaultPriority,
            message: "Broker \(brokerId) is no longer the controller of epoch \(controllerEpoch): \(reason).",
            fields: [
                ("BROKER_ID", String(brokerId)), ("CONTROLLER_EPOCH", String(controllerEpoch)), ("REASON", reason),
            ]
        )
    }

    /// `leader_elected`: the controller made `leader` the leader of `topic`-`partition` at `leaderEpoch`.
    /// Priority notice, or warning for an unclean election (acknowledged records may be lost).
    /// `previousLeader` nil means none (field: `-1`); `duration` runs from loss detection to publication.
    public func leaderElected(
        topic: String,
        partition: Int32,
        leader: Int32,
        previousLeader: Int32?,
        leaderEpoch: Int32,
        isr: [Int32],
        election: LeaderElectionType,
        duration: Duration
    ) {
        let durationMs = Self.milliseconds(duration)
        let previous = previousLeader.map { "broker \($0)" } ?? "none"
        let risk = election == .unclean ? " Acknowledged records may be lost." : ""
        emit(
            event: .leaderElected,
            priority: election == .unclean ? .warning : EventKind.leaderElected.defaultPriority,
            message: "Broker \(leader) leads \(topic)-\(partition) at leader epoch \(leaderEpoch) after a "
                + "\(election.rawValue) election (previous leader: \(previous), ISR \(Self.listForMessage(isr)), "
                + "took \(durationMs) ms).\(risk)",
            fields: [
                ("TOPIC", topic), ("PARTITION", String(partition)), ("LEADER", String(leader)),
                ("PREVIOUS_LEADER", String(previousLeader ?? -1)), ("LEADER_EPOCH", String(leaderEpoch)),
                ("ISR", Self.list(isr)), ("ELECTION", election.rawValue), ("DURATION_MS", String(durationMs)),
            ]
        )
    }

    /// `partition_offline` (err): `topic`-`partition` has no leader; none of `replicas` can take over.
    public func partitionOffline(topic: String, partition: Int32, replicas: [Int32], reason: String) {
        emit(
            event: .partitionOffline,
            priority: EventKind.partitionOffline.defaultPriority,
            message: "Partition \(topic)-\(partition) is offline: no leader among replicas "
                + "\(Self.listForMessage(replicas)) (\(reason)).",
            fields: [
                ("TOPIC", topic), ("PARTITION", String(partition)), ("REPLICAS", Self.list(replicas)),
                ("REASON", reason),
            ]
        )
    }

    /// Whole milliseconds of `duration`, rounded down, never negative.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let components = duration.components
        let milliseconds = components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
        return max(0, milliseconds)
    }
}
