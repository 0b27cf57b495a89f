import Foundation
import SluiceWire

/// The single-broker metadata store: one JSON file in the data directory, rewritten atomically
/// (temp file, fsync, rename, fsync of the directory) on every change.
///
/// Holds the whole snapshot in memory; the file is the durable copy read at start.
public actor EmbeddedMetadataStore: MetadataStore {
    /// File name inside a `log.dirs` entry: created in the first entry, found in whichever entry holds it
    /// (the server refuses two entries holding it, and partition directories with no entry holding it).
    public static let fileName = "cluster-metadata.json"

    private struct FileContents: Codable {
        var version: Int
        var clusterId: String
        var topics: [TopicState]
        /// The first producer id not yet handed out; absent in files written before producer ids existed.
        var nextProducerId: Int64?
    }

    public nonisolated let description: String
    private let path: String
    private let clusterId: String
    private var brokers: [BrokerInfo] = []
    private var topics: [String: TopicState]
    /// The first producer id not yet reserved by `allocateProducerIds` (persisted before it moves).
    private var nextProducerId: Int64

    /// Opens (or creates) the store in `directory`; a file that exists but cannot be parsed is an error,
    /// never silently replaced, and so is a file written for another `cluster.id`.
    public init(directory: String, clusterId: String) throws(MetadataError) {
        self.path = directory + "/" + Self.fileName
        self.clusterId = clusterId
        self.description = "embedded:" + directory
        let contents = try Self.load(path: path, clusterId: clusterId)
        self.topics = Dictionary(uniqueKeysWithValues: (contents?.topics ?? []).map { ($0.name, $0) })
        self.nextProducerId = contents?.nextProducerId ?? 0
    }

    private static func load(path: String, clusterId: String) throws(MetadataError) -> FileContents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
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
        guard (contents.nextProducerId ?? 0) >= 0 else {
            throw .corrupt("\(path) has a negative nextProducerId \(contents.nextProducerId ?? 0)")
        }
        return contents
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

    /// Reserves `count` ids from `nextProducerId`, persisting the new high mark before answering.
    public func allocateProducerIds(count: Int) throws(MetadataError) -> Range<Int64> {
        precondition(count >= 1, "a producer id block holds at least one id")
        let first = nextProducerId
        let (end, overflow) = first.addingReportingOverflow(Int64(count))
        guard !overflow else { throw .unavailable("producer ids exhausted at \(first)") }
        try persist(topics, nextProducerId: end)
        nextProducerId = end
        assert(first < end)
        return first..<end
    }

    /// Writes the file atomically: a reader (or a crash) sees the old file or the new one, never a mix.
    private func persist(_ next: [String: TopicState], nextProducerId: Int64? = nil) throws(MetadataError) {
        let contents = FileContents(
            version: 1, clusterId: clusterId, topics: next.values.sorted { $0.name < $1.name },
            nextProducerId: nextProducerId ?? self.nextProducerId)
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
