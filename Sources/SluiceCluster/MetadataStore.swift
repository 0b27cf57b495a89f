import SluiceWire

/// Where cluster metadata lives: the embedded file store for one broker, etcd for clusters (the next issue).
///
/// Everything above this protocol (broker, controller, APIs) is the same code for both stores. The shape is
/// etcd's: one store-wide **revision** that every write bumps; each key's **version** is its mod_revision;
/// broker registrations and the controller key are bound to a broker's **lease** (its session); a watch
/// replays every change after a revision, or says the revision was compacted and the caller must re-list.
///
/// | method | etcd operation that implements it |
/// |---|---|
/// | `register(_:ttl:)` | `LeaseGrant(TTL)`, then `Put /sluice/<c>/brokers/<id>` with `lease` |
/// | `keepAlive(_:)` | `LeaseKeepAlive(id)`; a reply without `TTL` → `.sessionExpired` |
/// | `sessionLoss(_:)` | the keep-alive stream failing, or a watch on the broker key seeing its DELETE |
/// | `deregister(_:)` | `LeaseRevoke(id)` (deletes every key bound to the lease) |
/// | `snapshot()` | `Range /sluice/<c>/` (prefix); `header.revision`, each kv's `mod_revision` → `version` |
/// | `watch(fromRevision:)` | `Watch /sluice/<c>/` prefix, `start_revision`; `compact_revision` set → `.compacted` |
/// | `campaign(_:)` | `Txn(if create_revision(controller) == 0 then Put controller {id} lease)`; epoch = its create_revision |
/// | `resign(_:controllerEpoch:)` | `Txn(if create_revision(controller) == epoch then Delete controller)` |
/// | `controller()` | `Range /sluice/<c>/controller` (value → broker id, create_revision → epoch) |
/// | `createTopic(_:fence:)` | `Txn(create_revision(controller) == epoch ∧ create_revision(topic) == 0 then Put topic, Put partitions…)` |
/// | `deleteTopic(named:fence:)` | `Txn(create_revision(controller) == epoch ∧ create_revision(topic) != 0 then Delete topic prefix)` |
/// | `writePartition(topic:state:expectedVersion:fence:)` | `Txn(mod_revision(partition) == version [∧ create_revision(controller) == epoch] then Put)` |
/// | `allocateProducerIds(count:)` | read `/sluice/<c>/producer-ids`, `Txn(mod_revision == read then Put next)` until it succeeds |
///
/// Writes never overwrite blindly: a stale version is `.conflict`, a deposed controller or a leader at an
/// older leader epoch is `.fenced`. Every write returns the revision it committed at, so a caller can wait
/// until its metadata cache has applied it (read-your-writes).
public protocol MetadataStore: Sendable {
    /// A short description for `cluster describe` and the `broker_ready` event, e.g. `embedded:/var/lib/sluice`.
    var description: String { get }

    // MARK: Broker session (an etcd lease)

    /// Registers `broker` under a new session that lives while it is kept alive at least every `ttl`.
    /// A broker id registered by another live session is `.conflict`.
    func register(_ broker: BrokerInfo, ttl: Duration) async throws(MetadataError) -> BrokerSession

    /// Renews `session`; `.sessionExpired` when its TTL already passed (its keys are gone: register again).
    func keepAlive(_ session: BrokerSession) async throws(MetadataError)

    /// Yields once, then finishes, when `session` ends (expired or deregistered); at once if it already has.
    func sessionLoss(_ session: BrokerSession) async -> AsyncStream<SessionLoss>

    /// Ends `session`: its broker registration and, if it holds it, the controller key are deleted.
    func deregister(_ session: BrokerSession) async throws(MetadataError)

    // MARK: Reads and watch

    /// Everything the store holds, with the revision it was read at.
    func snapshot() async throws(MetadataError) -> ClusterSnapshot

    /// Every change committed after `revision - 1` (i.e. starting at `fromRevision`), in revision order, then
    /// live changes. When `fromRevision` was compacted away the stream yields `.compacted` and finishes: re-list
    /// with ``snapshot()`` and watch from its revision + 1. A stream that finishes otherwise (a watcher that
    /// fell too far behind, a lost connection) means the same. Cancel the consuming task to stop watching.
    func watch(fromRevision: Int64) async throws(MetadataError) -> AsyncStream<MetadataWatchEvent>

    // MARK: Controller campaign

    /// Tries to become controller under `session`: the winner gets an epoch greater than every earlier one;
    /// nil when another live session holds the controller (watch for `.controllerChanged(nil)` and retry).
    /// Holding it already returns the same epoch.
    func campaign(_ session: BrokerSession) async throws(MetadataError) -> ControllerInfo?

    /// Gives up the controller of `controllerEpoch`; a no-op when that epoch no longer holds it.
    func resign(_ session: BrokerSession, controllerEpoch: Int64) async throws(MetadataError)

    /// The current controller, nil when none.
    func controller() async throws(MetadataError) -> ControllerInfo?

    // MARK: Writes (each returns the revision it committed at)

    /// Creates a topic and its partitions; `.topicExists` when the name is taken, `.fenced` when `fence` is not
    /// the current controller epoch.
    func createTopic(_ topic: TopicState, fence: ControllerFence) async throws(MetadataError) -> Int64

    /// Deletes a topic; `.unknownTopic` when absent, `.fenced` as for ``createTopic(_:fence:)``.
    func deleteTopic(named name: String, fence: ControllerFence) async throws(MetadataError) -> Int64

    /// Replaces one partition's state if its version is still `expectedVersion` (CAS on mod_revision), else
    /// `.conflict`. `fence` says who writes: the controller at its epoch (a deposed one gets `.fenced`), or the
    /// partition's leader changing the ISR at its leader epoch (Kafka's AlterPartition: a stale leader epoch,
    /// or a change of anything but the ISR, gets `.fenced`). Returns the new version (= the commit revision).
    func writePartition(
        topic: String, state: PartitionState, expectedVersion: Int64, fence: PartitionWriteFence
    ) async throws(MetadataError) -> Int64

    /// Reserves the next `count` producer ids (Kafka's producer id block, KIP-730) and returns them. The
    /// reservation is durable before this returns: no later call — from any broker, after any restart — gets an
    /// id of a returned range again. Ids start at 0 and only grow; unused ids of a block are simply skipped.
    func allocateProducerIds(count: Int) async throws(MetadataError) -> Range<Int64>
}

/// Why a metadata operation failed.
public enum MetadataError: Error, Sendable, Hashable, CustomStringConvertible {
    case topicExists(String)
    case unknownTopic(String)
    /// A compare-and-set lost: the key's version is not the one the writer read.
    case conflict(String)
    /// The writer is deposed: a controller epoch that no longer holds the controller, or a stale leader epoch.
    case fenced(String)
    /// The session's lease is gone (TTL passed without keep-alive, or deregistered).
    case sessionExpired(String)
    /// The store could not be read or written (disk, network); the text says what and why.
    case unavailable(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .topicExists(let name): "topic '\(name)' already exists"
        case .unknownTopic(let name): "topic '\(name)' does not exist"
        case .conflict(let what): "concurrent metadata change: \(what)"
        case .fenced(let what): "fenced metadata write: \(what)"
        case .sessionExpired(let what): "metadata session expired: \(what)"
        case .unavailable(let why): "metadata store unavailable: \(why)"
        case .corrupt(let why): "metadata store is corrupt: \(why)"
        }
    }

    /// The Kafka error code a client sees.
    public var errorCode: ErrorCode {
        switch self {
        case .topicExists: .topicAlreadyExists
        case .unknownTopic: .unknownTopicOrPartition
        case .conflict, .unavailable, .sessionExpired: .requestTimedOut
        case .fenced: .fencedLeaderEpoch
        case .corrupt: .unknownServerError
        }
    }
}
