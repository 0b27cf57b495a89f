extension EventEmitter {
    /// `isr_shrink` (warning): this leader removed `replica` from the ISR of `topic`-`partition` because it
    /// fell `lagRecords` records and `lagMs` milliseconds behind (`replica.lag.time.max.ms`).
    public func isrShrink(
        topic: String,
        partition: Int32,
        replica: Int32,
        isrBefore: [Int32],
        isrAfter: [Int32],
        lagRecords: Int64,
        lagMs: Int64
    ) {
        emit(
            event: .isrShrink,
            priority: EventKind.isrShrink.defaultPriority,
            message: "Replica \(replica) left the ISR of \(topic)-\(partition) (ISR \(Self.listForMessage(isrBefore)) "
                + "→ \(Self.listForMessage(isrAfter))): \(lagRecords) records and \(lagMs) ms behind the leader.",
            fields: [
                ("TOPIC", topic), ("PARTITION", String(partition)), ("REPLICA", String(replica)),
                ("ISR_BEFORE", Self.list(isrBefore)), ("ISR_AFTER", Self.list(isrAfter)),
                ("LAG_RECORDS", String(lagRecords)), ("LAG_MS", String(lagMs)),
            ]
        )
    }

    /// `isr_expand` (info): this leader added `replica` back to the ISR of `topic`-`partition`.
    public func isrExpand(topic: String, partition: Int32, replica: Int32, isrBefore: [Int32], isrAfter: [Int32]) {
        emit(
            event: .isrExpand,
            priority: EventKind.isrExpand.defaultPriority,
            message: "Replica \(replica) rejoined the ISR of \(topic)-\(partition) "
                + "(ISR \(Self.listForMessage(isrBefore)) → \(Self.listForMessage(isrAfter))).",
            fields: [
                ("TOPIC", topic), ("PARTITION", String(partition)), ("REPLICA", String(replica)),
                ("ISR_BEFORE", Self.list(isrBefore)), ("ISR_AFTER", Self.list(isrAfter)),
            ]
        )
    }

    /// `under_min_isr` (err): the ISR of `topic`-`partition` is smaller than `min.insync.replicas`, so
    /// acks=all produce requests are refused with NOT_ENOUGH_REPLICAS.
    public func underMinISR(topic: String, partition: Int32, isr: [Int32], minInsyncReplicas: Int) {
        emit(
            event: .underMinISR,
            priority: EventKind.underMinISR.defaultPriority,
            message: "Partition \(topic)-\(partition) has \(isr.count) in-sync replicas "
                + "(\(Self.listForMessage(isr))), fewer than min.insync.replicas=\(minInsyncReplicas): "
                + "acks=all produce requests are refused.",
            fields: [
                ("TOPIC", topic), ("PARTITION", String(partition)), ("ISR", Self.list(isr)),
                ("MIN_INSYNC_REPLICAS", String(minInsyncReplicas)),
            ]
        )
    }

    /// `producer_fenced` (warning): producer `producerId` at `producerEpoch` was refused on
    /// `topic`-`partition` because a newer epoch of the same producer id exists.
    public func producerFenced(producerId: Int64, producerEpoch: Int16, topic: String, partition: Int32) {
        emit(
            event: .producerFenced,
            priority: EventKind.producerFenced.defaultPriority,
            message: "Producer \(producerId) at epoch \(producerEpoch) was fenced on \(topic)-\(partition) "
                + "by a newer epoch.",
            fields: [
                ("PRODUCER_ID", String(producerId)), ("PRODUCER_EPOCH", String(producerEpoch)), ("TOPIC", topic),
                ("PARTITION", String(partition)),
            ]
        )
    }
}
