import SluiceCluster
import SluiceWire
import Synchronization

/// This broker's copy of the cluster metadata, fed by the ``MetadataListener``'s watch: Metadata,
/// DescribeTopics and DescribeCluster are answered from it with one short lock and no store round trip.
///
/// ``revision`` is the last store revision applied; a request that wrote the store waits for its revision
/// (read-your-writes) with ``waitUntilApplied(_:timeout:)``.
public final class BrokerMetadataCache: Sendable {
    /// The metadata at one revision.
    public struct Image: Sendable {
        public var clusterId: String
        public var revision: Int64
        public var controller: ControllerInfo?
        public var brokers: [Int32: BrokerInfo]
        public var topics: [String: TopicState]

        /// The brokers, by id.
        public var sortedBrokers: [BrokerInfo] { brokers.values.sorted { $0.nodeId < $1.nodeId } }
    }

    private struct State {
        var image: Image
        /// Topics whose logs could not be opened when the watch delivered them, with the reason.
        var hostFailures: [String: String] = [:]
    }

    private let state: Mutex<State>
    /// Signalled after every applied revision.
    private let applied = AsyncSignal()

    /// An empty cache at revision 0 (nothing applied yet).
    public init(clusterId: String = "") {
        state = Mutex(State(image: Image(clusterId: clusterId, revision: 0, controller: nil, brokers: [:], topics: [:])))
    }

    /// The metadata now.
    public var image: Image { state.withLock { $0.image } }

    /// The last store revision applied.
    public var revision: Int64 { state.withLock { $0.image.revision } }

    /// Replaces everything with `snapshot` (start, or a re-list after a compacted watch).
    public func replace(with snapshot: ClusterSnapshot) {
        state.withLock { state in
            precondition(snapshot.revision >= state.image.revision, "a re-list never goes back in revisions")
            state.image = Image(
                clusterId: snapshot.clusterId, revision: snapshot.revision, controller: snapshot.controller,
                brokers: Dictionary(uniqueKeysWithValues: snapshot.brokers.map { ($0.nodeId, $0) }),
                topics: snapshot.topics)
            state.hostFailures = state.hostFailures.filter { snapshot.topics[$0.key] != nil }
        }
        applied.signal()
    }

    /// Applies one watched change; events older than the image (a replayed revision) are skipped.
    public func apply(_ event: MetadataEvent) {
        state.withLock { state in
            guard event.revision >= state.image.revision else { return }
            Self.apply(event.change, to: &state)
            state.image.revision = event.revision
        }
        applied.signal()
    }

    private static func apply(_ change: MetadataChange, to state: inout State) {
        switch change {
        case .brokerRegistered(let broker): state.image.brokers[broker.nodeId] = broker
        case .brokerDeregistered(let brokerId): state.image.brokers[brokerId] = nil
        case .topicCreated(let topic): state.image.topics[topic.name] = topic
        case .topicDeleted(let name):
            state.image.topics[name] = nil
            state.hostFailures[name] = nil
        case .partitionChanged(let topic, let partition):
            guard var current = state.image.topics[topic], current.partitions.indices.contains(Int(partition.partition))
            else { return }
            current.partitions[Int(partition.partition)] = partition
            state.image.topics[topic] = current
        case .controllerChanged(let controller): state.image.controller = controller
        }
    }

    /// Notes that `topic`'s logs could not be opened here (CreateTopics reports it).
    public func recordHostFailure(topic: String, reason: String) {
        state.withLock { $0.hostFailures[topic] = reason }
    }

    /// Why `topic`'s logs could not be opened here, nil when they were.
    public func hostFailure(topic: String) -> String? { state.withLock { $0.hostFailures[topic] } }

    /// Returns true once ``revision`` ≥ `target`, false after `timeout`.
    public func waitUntilApplied(_ target: Int64, timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        // Bound: each pass waits for a signal or the time left; the deadline ends the loop.
        while true {
            let observed = applied.generation
            if revision >= target { return true }
            let left = deadline - clock.now
            guard left > .zero, !Task.isCancelled else { return false }
            await applied.wait(after: observed, timeout: left)
        }
    }
}
