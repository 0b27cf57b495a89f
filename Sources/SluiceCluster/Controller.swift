import SluiceWire

/// The cluster controller's duties that exist today: winning the campaign, and creating and deleting topics
/// (replica assignment included) as fenced writes to the store. Brokers learn of them through their watch and
/// host or drop the partitions themselves. Leader elections and ISR changes join it in the next issue.
///
/// An actor: control plane; every write awaits the store. Re-checks `office` after each await.
public actor Controller {
    /// Draws a number in `0..<upperBound` (Kafka's `rand.nextInt`); injectable for tests.
    public typealias RandomIndex = @Sendable (_ upperBound: Int) -> Int

    private let store: any MetadataStore
    private var session: BrokerSession
    private let random: RandomIndex
    private let metrics: ControllerMetrics?
    /// The epoch this broker won, nil when it is not controller.
    private var office: ControllerInfo?

    public init(
        store: any MetadataStore, session: BrokerSession, metrics: ControllerMetrics? = nil,
        random: @escaping RandomIndex = { Int.random(in: 0..<$0) }
    ) {
        self.store = store
        self.session = session
        self.metrics = metrics
        self.random = random
    }

    /// The controller this broker holds, nil when it does not.
    public var current: ControllerInfo? { office }

    /// The broker session campaigns run under (replaced after a lost session is registered again).
    public var brokerSession: BrokerSession { session }

    /// Campaigns under the session; returns the epoch won, nil when another broker is controller.
    @discardableResult
    public func campaign() async throws(MetadataError) -> ControllerInfo? {
        let won = try await store.campaign(session)
        if let won, won != office { metrics?.won(controllerEpoch: won.epoch) }
        if won == nil, office != nil { metrics?.leftOffice() }
        office = won
        return won
    }

    /// After the session was lost and registered again: the old office is gone with the old lease.
    public func replaceSession(_ replacement: BrokerSession) {
        precondition(replacement.brokerId == session.brokerId, "a controller keeps its broker id")
        session = replacement
        if office != nil { metrics?.leftOffice() }
        office = nil
    }

    /// Gives the office up (controlled shutdown); returns the epoch given up, nil when it held none.
    @discardableResult
    public func resign() async throws(MetadataError) -> ControllerInfo? {
        guard let held = office else { return nil }
        office = nil
        metrics?.leftOffice()
        try await store.resign(session, controllerEpoch: held.epoch)
        return held
    }

    /// Creates `name` with replicas assigned round-robin over the registered brokers from a random start, each
    /// partition led by its first replica at leader epoch 0 with the whole assignment in sync. Returns the
    /// revision the topic was written at (wait for it to be applied to see the topic).
    /// - Throws: INVALID_REPLICATION_FACTOR when it exceeds the live brokers; TOPIC_ALREADY_EXISTS; the
    ///   store's error (FENCED_LEADER_EPOCH when this broker was deposed meanwhile).
    public func createTopic(
        name: String, partitions: Int32, replicationFactor: Int32, configs: [String: String]
    ) async throws(SluiceError) -> Int64 {
        precondition(partitions >= 1, "the caller validates the partition count")
        let fence = try requireOffice()
        let snapshot: ClusterSnapshot
        do { snapshot = try await store.snapshot() } catch { throw SluiceError(error.errorCode, error.description) }
        let brokerIds = snapshot.brokers.map(\.nodeId).sorted()
        guard replicationFactor >= 1, Int(replicationFactor) <= brokerIds.count else {
            throw SluiceError(
                .invalidReplicationFactor,
                "replication factor \(replicationFactor) is larger than the \(brokerIds.count) available broker(s)")
        }
        let assignment = ReplicaAssignment.assign(
            brokerIds: brokerIds, partitions: partitions, replicationFactor: Int(replicationFactor),
            startIndex: draw(brokerIds.count), replicaShift: draw(brokerIds.count))
        let states = assignment.enumerated().map { partition, replicas in
            PartitionState(
                partition: Int32(partition), replicas: replicas, leader: replicas[0], leaderEpoch: 0, isr: replicas,
                controllerEpoch: fence.epoch)
        }
        do {
            return try await store.createTopic(TopicState(name: name, partitions: states, configs: configs), fence: fence)
        } catch {
            throw SluiceError(error.errorCode, error.description)
        }
    }

    /// Deletes `name`; returns the revision of the deletion. UNKNOWN_TOPIC_OR_PARTITION when absent.
    public func deleteTopic(named name: String) async throws(SluiceError) -> Int64 {
        let fence = try requireOffice()
        do { return try await store.deleteTopic(named: name, fence: fence) } catch {
            throw SluiceError(error.errorCode, error.description)
        }
    }

    private func requireOffice() throws(SluiceError) -> ControllerFence {
        guard let held = office else {
            throw SluiceError(.requestTimedOut, "broker \(session.brokerId) is not the controller")
        }
        return ControllerFence(epoch: held.epoch)
    }

    private func draw(_ upperBound: Int) -> Int {
        let value = random(upperBound)
        precondition((0..<upperBound).contains(value), "random index \(value) outside 0..<\(upperBound)")
        return value
    }
}
