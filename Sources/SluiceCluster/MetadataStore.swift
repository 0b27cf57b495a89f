import SluiceWire

/// Where cluster metadata lives: the embedded file store for one broker, etcd for clusters (a later issue).
///
/// Everything above this protocol (broker, controller logic, APIs) is the same code for both stores.
/// Writes are compare-and-set on the store's own version so that a stale writer fails instead of
/// overwriting (`MetadataError.conflict`).
public protocol MetadataStore: Sendable {
    /// A short description for `cluster describe` and the `broker_ready` event, e.g. `embedded:/var/lib/sluice`.
    var description: String { get }

    /// Registers this broker (embedded: the only one; etcd: a key bound to a lease).
    func registerBroker(_ broker: BrokerInfo) async throws(MetadataError)

    /// The current metadata.
    func snapshot() async throws(MetadataError) -> ClusterSnapshot

    /// Creates a topic; `.topicExists` when the name is taken.
    func createTopic(_ topic: TopicState) async throws(MetadataError)

    /// Deletes a topic; `.unknownTopic` when absent.
    func deleteTopic(named name: String) async throws(MetadataError)

    /// Replaces one partition's state if its leader epoch is still `expectedLeaderEpoch` (CAS).
    func updatePartition(topic: String, state: PartitionState, expectedLeaderEpoch: Int32) async throws(MetadataError)

    /// Reserves the next `count` producer ids (Kafka's producer id block, KIP-730) and returns them. The
    /// reservation is durable before this returns: no later call — from any broker, after any restart — gets an
    /// id of a returned range again. Ids start at 0 and only grow; unused ids of a block are simply skipped.
    func allocateProducerIds(count: Int) async throws(MetadataError) -> Range<Int64>
}

/// Why a metadata operation failed.
public enum MetadataError: Error, Sendable, Hashable, CustomStringConvertible {
    case topicExists(String)
    case unknownTopic(String)
    case conflict(String)
    /// The store could not be read or written (disk, network); the text says what and why.
    case unavailable(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .topicExists(let name): "topic '\(name)' already exists"
        case .unknownTopic(let name): "topic '\(name)' does not exist"
        case .conflict(let what): "concurrent metadata change: \(what)"
        case .unavailable(let why): "metadata store unavailable: \(why)"
        case .corrupt(let why): "metadata store is corrupt: \(why)"
        }
    }

    /// The Kafka error code a client sees.
    public var errorCode: ErrorCode {
        switch self {
        case .topicExists: .topicAlreadyExists
        case .unknownTopic: .unknownTopicOrPartition
        case .conflict, .unavailable: .requestTimedOut
        case .corrupt: .unknownServerError
        }
    }
}
