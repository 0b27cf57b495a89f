/// What the gateway knows about a topic before producing to it, from the broker's own metadata.
enum GatewayTopic: Sendable, Hashable {
    /// The topic exists with this many partitions.
    case found(partitionCount: Int32)
    /// No such topic: 404, error_code 40401 (the gateway does not auto-create topics).
    case notFound
    /// Metadata could not be read; the text says why (500, error_code 50002).
    case unavailable(String)
}

/// Looks a topic up by name; `sluiced` answers from its broker's metadata (the same answer a Metadata request
/// gets), so in a cluster it knows every topic, not only those with a replica here.
typealias GatewayTopicLookup = @Sendable (String) async -> GatewayTopic
