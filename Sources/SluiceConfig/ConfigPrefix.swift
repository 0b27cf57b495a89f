/// A reserved key prefix (`gateway.`): every key under it is accepted without validation and handed
/// to its consumer as raw text, like Kafka's `originalsWithPrefix`. The consumer validates later.
public struct ConfigPrefix: Sendable {
    /// The prefix including its trailing dot, for example `gateway.`.
    public let prefix: String
    /// What the keys under the prefix configure, and who validates them.
    public let documentation: String

    /// Reserves `prefix`, which must end in `.`.
    public init(_ prefix: String, documentation: String) {
        precondition(prefix.count > 1, "a prefix has a name")
        precondition(prefix.hasSuffix("."), "prefix \(prefix) ends with a dot")
        self.prefix = prefix
        self.documentation = documentation
    }
}
