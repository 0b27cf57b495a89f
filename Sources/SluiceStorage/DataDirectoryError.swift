/// Why a `log.dirs` entry cannot be used. The server turns it into a start-up failure with exit status 78
/// (EX_CONFIG) naming `log.dirs` and ``directory``: each is fixed by the operator, in configuration or on disk.
public struct DataDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// Another process holds `<dir>/.lock` (Kafka: "Failed to acquire lock on file .lock").
        case locked
        /// `meta.properties` names another `cluster.id` or `node.id`.
        case foreign
        /// `meta.properties` cannot be parsed.
        case malformedMetaProperties
        /// One partition directory exists in two `log.dirs` entries.
        case duplicatePartition
        /// The embedded metadata store's file is in two entries, or missing while partitions exist.
        case metadataPlacement
        /// A system call failed (permissions, a full disk, not a directory).
        case io
    }

    /// The kind of failure.
    public let code: Code
    /// The `log.dirs` entry at fault (the first one, when two are).
    public let directory: String
    /// A sentence naming the directory, the file and what was found.
    public let description: String

    /// Memberwise.
    public init(_ code: Code, directory: String, _ description: String) {
        self.code = code
        self.directory = directory
        self.description = description
    }
}
