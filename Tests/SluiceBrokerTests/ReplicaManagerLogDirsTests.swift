import Foundation
import SluiceCluster
import SluiceStorage
import SluiceWire
import Testing

@testable import SluiceBroker
@testable import SluiceObservability

/// The replica manager over several scanned `log.dirs`: placement, deletion where the partition lives, the
/// warning for partitions without a directory, and refused persisted topic configs.
@Suite struct ReplicaManagerLogDirsTests {
    private func manager(_ root: String) throws -> ReplicaManager {
        let directories = try ["a", "b"].map {
            try DataDirectory.open(root + "/" + $0, clusterId: "c", nodeId: 1, directoryId: "d")
        }
        return ReplicaManager(
            brokerId: 1, logDirectories: try LogDirectoryLayout(directories: directories),
            topicConfigSource: root + "/a/cluster-metadata.json", logConfig: LogConfig(), minInsyncReplicas: 1,
            metrics: BrokerMetrics(version: "test"), events: EventEmitter(sink: LogSink(target: .stderr)),
            logger: quietLogger)
    }

    private func topic(_ name: String, partitions: Int32, configs: [String: String] = [:]) -> TopicState {
        TopicState(
            name: name,
            partitions: (0..<partitions).map {
                PartitionState(partition: $0, replicas: [1], leader: 1, leaderEpoch: 0, isr: [1])
            },
            configs: configs)
    }

    @Test func partitionsSpreadOverTheDirectoriesAndAreDeletedWhereTheyLive() async throws {
        try await withTemporaryDirectory { root in
            let manager = try manager(root)
            try manager.host(topic: topic("orders", partitions: 3))
            #expect(FileManager.default.fileExists(atPath: root + "/a/orders-0"))
            #expect(FileManager.default.fileExists(atPath: root + "/b/orders-1"))
            #expect(FileManager.default.fileExists(atPath: root + "/a/orders-2"))
            await manager.remove(topic: "orders")
            let left =
                try FileManager.default.contentsOfDirectory(atPath: root + "/a")
                + FileManager.default.contentsOfDirectory(atPath: root + "/b")
            #expect(left.filter { $0.hasPrefix("orders") }.isEmpty, "\(left)")
            #expect(manager.logDirectories.partitionCounts == [0, 0])
            manager.shutdown()
        }
    }

    @Test func partitionsWithoutADirectoryAndDirectoriesWithoutAPartitionAreReported() async throws {
        try await withTemporaryDirectory { root in
            try FileManager.default.createDirectory(atPath: root + "/b/orders-1", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/a/gone-3", withIntermediateDirectories: true)
            let manager = try manager(root)
            let (missing, stray) = manager.checkDirectories(against: [topic("orders", partitions: 2)])
            #expect(missing == [TopicPartition(topic: "orders", partition: 0)])
            #expect(stray == [root + "/a/gone-3"])
        }
    }

    @Test func anInvalidPersistedTopicConfigIsRefusedNamingTheFileTopicAndKey() async throws {
        try await withTemporaryDirectory { root in
            let manager = try manager(root)
            do {
                try manager.host(topic: topic("bad", partitions: 1, configs: ["retention.ms": "soon"]))
                Issue.record("invalid persisted config accepted")
            } catch let error as PersistedTopicConfigError {
                #expect(error.topic == "bad")
                #expect(error.description.contains(root + "/a/cluster-metadata.json"))
                #expect(error.description.contains("retention.ms"))
            }
            #expect(manager.partition(TopicPartition(topic: "bad", partition: 0)) == nil)
        }
    }
}
