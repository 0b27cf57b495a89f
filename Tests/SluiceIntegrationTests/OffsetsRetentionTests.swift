import Foundation
import SluiceTestSupport
import Testing

/// `__consumer_offsets` does not grow without bound: it is deleted by time like any topic, the coordinator rewrites
/// quiet commits before they age out and expires the offsets of groups that stay empty, with tombstones. A real
/// broker, commits through `sluice groups reset-offsets` (Kafka's OffsetCommit, as a standalone consumer commits).
@Suite struct OffsetsRetentionTests {
    /// Retention of 3 s checked every 0.5 s on 1 KiB segments; empty groups' offsets kept for 1 minute.
    static let overrides = [
        "offsets.topic.num.partitions=1", "group.initial.rebalance.delay.ms=0", "offsets.topic.retention.ms=3000",
        "offsets.retention.check.interval.ms=500", "offsets.topic.segment.bytes=1024",
        "log.retention.check.interval.ms=200", "offsets.retention.minutes=1",
    ]

    static func commit(_ group: String, offset: Int, broker: BrokerProcess) throws {
        let reset = try CLI.run(
            ["groups", "reset-offsets", "--group", group, "--topic", "ledger", "--to-offset", "\(offset)", "--execute",
             "--bootstrap-server", broker.bootstrap])
        #expect(reset.status == 0, "\(reset.stderr)")
    }

    /// The committed offset of `group` on ledger-0 as `groups describe` prints it; nil when the group is unknown.
    static func committed(_ group: String, broker: BrokerProcess) throws -> String? {
        let described = try CLI.run(["groups", "describe", group, "--bootstrap-server", broker.bootstrap])
        if described.stderr.contains("GROUP_ID_NOT_FOUND") { return nil }
        #expect(described.status == 0, "\(described.stderr)")
        let row = described.stdoutText.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first.map(String.init) == group }
        return row.map { String($0[3]) }
    }

    static func offsetsMetric(_ name: String, _ broker: BrokerProcess) throws -> Double {
        try KafkaClientTests.metric(broker, #"\#(name){topic="__consumer_offsets",partition="0"}"#) ?? -1
    }

    @Test func theOffsetsTopicStaysBoundedQuietCommitsSurviveItsRetentionAndEmptyGroupsExpire() throws {
        var broker = try BrokerProcess(overrides: Self.overrides)
        let dataDir = broker.dataDir
        defer {
            broker.stop()
            try? FileManager.default.removeItem(atPath: dataDir)
        }
        try KafkaGroupTests.produce((1...100).map(String.init), topic: "ledger", partitions: 1, broker: broker)
        try Self.commit("quiet", offset: 7, broker: broker)
        // The quiet group's own record is offset 0 of the offsets partition. Commit for another group until
        // retention has deleted segments well past it.
        var busyOffset = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while try Self.offsetsMetric("sluice_partition_log_start_offset", broker) < 20, ContinuousClock.now < deadline {
            busyOffset = (busyOffset + 1) % 100
            try Self.commit("busy", offset: busyOffset, broker: broker)
        }
        #expect(try Self.offsetsMetric("sluice_partition_log_start_offset", broker) >= 20)
        // Bounded: what is kept is what three seconds of commits wrote plus a segment, not everything written.
        let written = try #require(
            try KafkaClientTests.metric(broker, #"sluice_broker_bytes_in_total{topic="__consumer_offsets"}"#))
        let kept = try Self.offsetsMetric("sluice_log_size_bytes", broker)
        #expect(kept > 0 && kept < written, "kept \(kept) of \(written) bytes")
        #expect(try Self.committed("quiet", broker: broker) == "7")
        // A new broker process replays what is left of the partition: the quiet commit was rewritten in time.
        #expect(broker.stop() == 0)
        broker = try BrokerProcess(dataDir: dataDir, overrides: Self.overrides, nativePort: broker.nativePort)
        #expect(try Self.committed("quiet", broker: broker) == "7")
        #expect(try Self.committed("busy", broker: broker) == "\(busyOffset)")
        // Neither group has members: a minute after this load their offsets expire, with tombstones.
        let expiry = ContinuousClock.now.advanced(by: .seconds(90))
        while try Self.committed("quiet", broker: broker) != nil, ContinuousClock.now < expiry { usleep(500_000) }
        #expect(try Self.committed("quiet", broker: broker) == nil)
        #expect(try Self.committed("busy", broker: broker) == nil)
        #expect(broker.stop() == 0)
        broker = try BrokerProcess(dataDir: dataDir, overrides: Self.overrides, nativePort: broker.nativePort)
        #expect(try Self.committed("quiet", broker: broker) == nil, "the tombstone is replayed, not the old commit")
    }
}
