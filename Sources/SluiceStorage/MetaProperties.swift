/// A data directory's identity file, `<log.dirs entry>/meta.properties`, as Kafka's KRaft brokers write it:
///
/// ```
/// version=1
/// cluster.id=sluice
/// node.id=1
/// directory.id=Q2x1c3Rlci1kaXItMDAwMQ
/// ```
///
/// It ties the directory to one cluster (`cluster.id`) and one broker (`node.id`): a directory moved to a
/// broker of another node or cluster is refused at start instead of being served (or overwritten) there.
/// Pure: parsing and checking do no I/O; ``DataDirectory`` reads and writes the file.
public struct MetaProperties: Sendable, Hashable {
    /// The file name inside each `log.dirs` entry.
    public static let fileName = "meta.properties"
    /// The only format version written and accepted (Kafka's KRaft `version=1`).
    public static let currentVersion = 1

    /// `version`: the format version, always ``currentVersion``.
    public let version: Int
    /// `cluster.id`: the cluster the directory belongs to.
    public let clusterId: String
    /// `node.id`: the broker the directory belongs to.
    public let nodeId: Int
    /// `directory.id`: this directory's own id (Kafka's, KIP-858); optional when reading.
    public let directoryId: String?

    /// Memberwise; `nodeId` must not be negative.
    public init(clusterId: String, nodeId: Int, directoryId: String?, version: Int = MetaProperties.currentVersion) {
        precondition(nodeId >= 0, "node.id is never negative")
        self.version = version
        self.clusterId = clusterId
        self.nodeId = nodeId
        self.directoryId = directoryId
    }

    /// Parses the text of a `meta.properties` file (`key=value` lines; `#` and `!` lines are comments, as in
    /// Java properties). Returns the problem as text when `version`, `cluster.id` or `node.id` is missing or
    /// malformed, or the version is not 1.
    public static func parse(_ text: String) -> Result<MetaProperties, ParseProblem> {
        var values: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingSpaces
            guard let first = line.first, first != "#", first != "!" else { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                return .failure(ParseProblem("line '\(line)' is not key=value"))
            }
            let key = line[..<separator].trimmingSpaces
            guard values[key] == nil else { return .failure(ParseProblem("\(key) appears twice")) }
            values[key] = line[line.index(after: separator)...].trimmingSpaces
        }
        guard let versionText = values["version"] else { return .failure(ParseProblem("no version")) }
        guard let version = Int(versionText), version == currentVersion else {
            return .failure(ParseProblem("version '\(versionText)' is not \(currentVersion)"))
        }
        guard let clusterId = values["cluster.id"], !clusterId.isEmpty else {
            return .failure(ParseProblem("no cluster.id"))
        }
        guard let nodeText = values["node.id"] else { return .failure(ParseProblem("no node.id")) }
        guard let nodeId = Int(nodeText), nodeId >= 0 else {
            return .failure(ParseProblem("node.id '\(nodeText)' is not a non-negative integer"))
        }
        let directoryId = values["directory.id"].flatMap { $0.isEmpty ? nil : $0 }
        return .success(
            MetaProperties(clusterId: clusterId, nodeId: nodeId, directoryId: directoryId, version: version))
    }

    /// The file's text, keys in Kafka's order of importance, one `key=value` per line.
    public var rendered: String {
        var text = "#\n# Written by sluiced: this directory belongs to node.id \(nodeId) of cluster.id \(clusterId).\n"
        text += "version=\(version)\ncluster.id=\(clusterId)\nnode.id=\(nodeId)\n"
        if let directoryId { text += "directory.id=\(directoryId)\n" }
        return text
    }

    /// Why a broker configured with `clusterId` and `nodeId` must not use this directory; nil when it may.
    public func mismatch(clusterId expectedCluster: String, nodeId expectedNode: Int) -> String? {
        if clusterId != expectedCluster {
            return "it belongs to cluster.id '\(clusterId)', not the configured cluster.id '\(expectedCluster)'"
        }
        if nodeId != expectedNode {
            return "it belongs to node.id \(nodeId), not the configured node.id \(expectedNode)"
        }
        return nil
    }

    /// What is wrong with a `meta.properties` text.
    public struct ParseProblem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The problem in words, e.g. "no cluster.id".
        public let description: String
        /// A problem described by `description`.
        public init(_ description: String) { self.description = description }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
