extension EventEmitter {
    /// `group_rebalanced` (info): consumer group `group` completed a rebalance into `generation` with `members`.
    public func groupRebalanced(group: String, generation: Int32, members: Int, reason: String) {
        emit(
            event: .groupRebalanced,
            priority: EventKind.groupRebalanced.defaultPriority,
            message: "Consumer group \(group) rebalanced into generation \(generation) with \(members) member(s) "
                + "(reason: \(reason)).",
            fields: [
                ("GROUP", group), ("GENERATION", String(generation)), ("MEMBERS", String(members)),
                ("REASON", reason),
            ]
        )
    }

    /// `group_empty` (info): consumer group `group` has no members left; its committed offsets stay.
    public func groupEmpty(group: String) {
        emit(
            event: .groupEmpty,
            priority: EventKind.groupEmpty.defaultPriority,
            message: "Consumer group \(group) has no members; its committed offsets are kept.",
            fields: [("GROUP", group)]
        )
    }
}
