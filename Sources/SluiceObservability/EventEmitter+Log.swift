extension EventEmitter {
    /// `log_truncated`: this replica cut `topic`-`partition` from log end offset `fromOffset` back to
    /// `toOffset` at `leaderEpoch`, removing `records` records, `ackedRecords` of which it had acknowledged
    /// to producers. Priority warning, or err when `ackedRecords > 0` (acknowledged data lost).
    public func logTruncated(
        topic: String,
        partition: Int32,
        fromOffset: Int64,
        toOffset: Int64,
        records: Int64,
        ackedRecords: Int64,
        leaderEpoch: Int32
    ) {
        assert(toOffset <= fromOffset, "truncation from \(fromOffset) to a later offset \(toOffset)")
        assert(ackedRecords <= records, "\(ackedRecords) acknowledged of only \(records) records")
        let acknowledged =
            ackedRecords > 0
            ? "\(ackedRecords) of them acknowledged to producers: acknowledged data was lost"
            : "none of them acknowledged to producers"
        emit(
            event: .logTruncated,
            priority: ackedRecords > 0 ? .error : EventKind.logTruncated.defaultPriority,
            message: "Truncated \(topic)-\(partition) from offset \(fromOffset) to \(toOffset) at leader epoch "
                + "\(leaderEpoch): \(records) records removed, \(acknowledged).",
            fields: [
                ("TOPIC", topic), ("PARTITION", String(partition)), ("FROM_OFFSET", String(fromOffset)),
                ("TO_OFFSET", String(toOffset)), ("RECORDS", String(records)),
                ("ACKED_RECORDS", String(ackedRecords)), ("LEADER_EPOCH", String(leaderEpoch)),
            ]
        )
    }

    /// `log_recovered` (info): start-up recovery checked `segments` segments of `topic`-`partition` and
    /// cut `truncatedBytes` bytes of torn or corrupt tail (0 after a clean shutdown).
    public func logRecovered(topic: String, partition: Int32, segments: Int, truncatedBytes: Int64) {
        assert(segments >= 0, "negative segment count \(segments)")
        assert(truncatedBytes >= 0, "negative truncated bytes \(truncatedBytes)")
        emit(
            event: .logRecovered,
            priority: EventKind.logRecovered.defaultPriority,
            message: "Recovered \(topic)-\(partition): \(segments) segments checked, \(truncatedBytes) bytes of "
                + "torn tail truncated.",
            fields: [
                ("TOPIC", topic), ("PARTITION", String(partition)), ("SEGMENTS", String(segments)),
                ("TRUNCATED_BYTES", String(truncatedBytes)),
            ]
        )
    }
}
