/// A topic's configuration as persisted in the metadata store cannot be used (edited by hand, or written by
/// another version): the broker stops naming the file, the topic and the problem (which names the key),
/// instead of serving the topic with defaults it was not created with.
public struct PersistedTopicConfigError: Error, Sendable, CustomStringConvertible {
    /// The topic whose configuration is refused.
    public let topic: String
    /// Where the configuration was read: the embedded store's `cluster-metadata.json` path.
    public let source: String
    /// What is wrong, naming the key and value.
    public let problem: String

    /// Memberwise.
    public init(topic: String, source: String, problem: String) {
        self.topic = topic
        self.source = source
        self.problem = problem
    }

    /// "the configuration of topic 'orders' persisted in /data/cluster-metadata.json is invalid: …".
    public var description: String {
        "the configuration of topic '\(topic)' persisted in \(source) is invalid: \(problem); fix the file "
            + "(or delete and re-create the topic)"
    }
}
