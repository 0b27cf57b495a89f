import Foundation
import SluiceWire

/// The single-broker metadata store: one JSON file in the data directory, rewritten atomically
/// (temp file, fsync, rename, fsync of the directory) on every change.
///
/// Holds the whole snapshot in memory; the file is the durable copy read at start.
public actor EmbeddedMetadataStore: MetadataStore {
    /// File name inside the first `log.dirs` entry.
    public static let fileName = "cluster-metadata.json"

    private struct FileContents: Codable {
        var version: Int
        var clusterId: String
        var topics: [TopicState]
    }

    public nonisolated let description: String
    private let path: String
    private let clusterId: String
    private var brokers: [BrokerInfo] = []
    private var topics: [String: TopicState]

    /// Opens (or creates) the store in `directory`; a file that exists but cannot be parsed is an error,
    /// never silently replaced, and so is a file written for another `cluster.id`.
    public init(directory: String, clusterId: String) throws(MetadataError) {
        self.path = directory + "/" + Self.fileName
        self.clusterId = clusterId
        self.description = "embedded:" + directory
        self.topics = try Self.load(path: path, clusterId: clusterId)
    }

    private static func load(path: String, clusterId: String) throws(MetadataError) -> [String: TopicState] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unavailable("cannot read \(path): \(error.localizedDescription)")
        }
        let contents: FileContents
        do { contents = try JSONDecoder().decode(FileContents.self, from: data) } catch {
            throw .corrupt("\(path) is not valid metadata: \(error)")
        }
        guard contents.clusterId == clusterId else {
            throw .corrupt("\(path) belongs to cluster '\(contents.clusterId)', not cluster.id '\(clusterId)'")
        }
        return Dictionary(uniqueKeysWithValues: contents.topics.map { ($0.name, $0) })
    }

    public func registerBroker(_ broker: BrokerInfo) throws(MetadataError) {
        brokers.removeAll { $0.nodeId == broker.nodeId }
        brokers.append(broker)
    }

    public func snapshot() -> ClusterSnapshot {
        ClusterSnapshot(clusterId: clusterId, controllerId: brokers.first?.nodeId ?? -1, brokers: brokers, topics: topics)
    }

    public func createTopic(_ topic: TopicState) throws(MetadataError) {
        guard topics[topic.name] == nil else { throw .topicExists(topic.name) }
        var next = topics
        next[topic.name] = topic
        try persist(next)
        topics = next
    }

    public func deleteTopic(named name: String) throws(MetadataError) {
        guard topics[name] != nil else { throw .unknownTopic(name) }
        var next = topics
        next[name] = nil
        try persist(next)
        topics = next
    }

    public func updatePartition(topic: String, state: PartitionState, expectedLeaderEpoch: Int32) throws(MetadataError) {
        guard var current = topics[topic], current.partitions.indices.contains(Int(state.partition)) else {
            throw .unknownTopic(topic)
        }
        let existing = current.partitions[Int(state.partition)]
        guard existing.leaderEpoch == expectedLeaderEpoch else {
            throw .conflict("\(topic)-\(state.partition) is at leader epoch \(existing.leaderEpoch), not \(expectedLeaderEpoch)")
        }
        current.partitions[Int(state.partition)] = state
        var next = topics
        next[topic] = current
        try persist(next)
        topics = next
    }

    /// Writes the file atomically: a reader (or a crash) sees the old file or the new one, never a mix.
    private func persist(_ next: [String: TopicState]) throws(MetadataError) {
        let contents = FileContents(version: 1, clusterId: clusterId, topics: next.values.sorted { $0.name < $1.name })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(contents)
            try AtomicFile.write(data, to: path)
        } catch {
            throw .unavailable("cannot write \(path): \(error)")
        }
    }
}
