import Foundation
import SluiceCluster
@testable import SluiceObservability
import SluiceWire
import Synchronization

/// Runs `body` with a fresh directory under the temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-cluster-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// A clock the test moves by hand: session TTLs expire when the test says so.
final class ManualClock: Sendable {
    private let elapsed = Mutex<Duration>(.seconds(1_000))

    var now: @Sendable () -> Duration { { self.elapsed.withLock { $0 } } }

    func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
}

func broker(_ id: Int32) -> BrokerInfo { BrokerInfo(nodeId: id, host: "127.0.0.1", port: 9000 + id) }

/// A topic of `partitions` partitions, each on `replicas`, led by the first at leader epoch 0.
func topicState(_ name: String, partitions: Int32 = 1, replicas: [Int32] = [1]) -> TopicState {
    TopicState(name: name, partitions: (0..<partitions).map {
        PartitionState(partition: $0, replicas: replicas, leader: replicas[0], leaderEpoch: 0, isr: replicas)
    })
}

/// The first `count` events of `stream` (fails the wait after `count` if the stream ends early).
func collect(_ count: Int, from stream: AsyncStream<MetadataWatchEvent>) async -> [MetadataWatchEvent] {
    var events: [MetadataWatchEvent] = []
    for await event in stream {
        events.append(event)
        if events.count == count { break }
    }
    return events
}

/// A store that forwards to another and counts the calls, to prove who does (not) read the store.
final class CountingStore: MetadataStore {
    let inner: EmbeddedMetadataStore
    private let counts = Mutex<[String: Int]>([:])

    init(_ inner: EmbeddedMetadataStore) { self.inner = inner }

    var description: String { inner.description }

    /// Calls of every method so far.
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }

    func reset() { counts.withLock { $0.removeAll() } }

    private func count(_ method: String) { counts.withLock { $0[method, default: 0] += 1 } }

    func register(_ broker: BrokerInfo, ttl: Duration) async throws(MetadataError) -> BrokerSession {
        count("register")
        return try await inner.register(broker, ttl: ttl)
    }

    func keepAlive(_ session: BrokerSession) async throws(MetadataError) {
        count("keepAlive")
        try await inner.keepAlive(session)
    }

    func sessionLoss(_ session: BrokerSession) async -> AsyncStream<SessionLoss> {
        count("sessionLoss")
        return await inner.sessionLoss(session)
    }

    func deregister(_ session: BrokerSession) async throws(MetadataError) {
        count("deregister")
        await inner.deregister(session)
    }

    func snapshot() async throws(MetadataError) -> ClusterSnapshot {
        count("snapshot")
        return await inner.snapshot()
    }

    func watch(fromRevision: Int64) async throws(MetadataError) -> AsyncStream<MetadataWatchEvent> {
        count("watch")
        return await inner.watch(fromRevision: fromRevision)
    }

    func campaign(_ session: BrokerSession) async throws(MetadataError) -> ControllerInfo? {
        count("campaign")
        return try await inner.campaign(session)
    }

    func resign(_ session: BrokerSession, controllerEpoch: Int64) async throws(MetadataError) {
        count("resign")
        await inner.resign(session, controllerEpoch: controllerEpoch)
    }

    func controller() async throws(MetadataError) -> ControllerInfo? {
        count("controller")
        return await inner.controller()
    }

    func createTopic(_ topic: TopicState, fence: ControllerFence) async throws(MetadataError) -> Int64 {
        count("createTopic")
        return try await inner.createTopic(topic, fence: fence)
    }

    func deleteTopic(named name: String, fence: ControllerFence) async throws(MetadataError) -> Int64 {
        count("deleteTopic")
        return try await inner.deleteTopic(named: name, fence: fence)
    }

    func writePartition(
        topic: String, state: PartitionState, expectedVersion: Int64, fence: PartitionWriteFence
    ) async throws(MetadataError) -> Int64 {
        count("writePartition")
        return try await inner.writePartition(topic: topic, state: state, expectedVersion: expectedVersion, fence: fence)
    }

    func allocateProducerIds(count ids: Int) async throws(MetadataError) -> Range<Int64> {
        count("allocateProducerIds")
        return try await inner.allocateProducerIds(count: ids)
    }
}

/// Journal entries an ``EventEmitter`` produced, captured in memory.
final class EventRecorder: Sendable {
    private let entries = Mutex<[JournalEntry]>([])

    var emitter: EventEmitter {
        EventEmitter(sink: LogSink(identifier: "test", capture: { entry in self.entries.withLock { $0.append(entry) } }))
    }

    /// The fields of every entry whose `SLUICE_EVENT` is `name`, in order.
    func events(_ name: String) -> [[String: String]] {
        entries.withLock { all in
            all.compactMap { entry -> [String: String]? in
                guard entry.fields.contains(where: { $0.name == "SLUICE_EVENT" && $0.value == name }) else { return nil }
                var fields = Dictionary(entry.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                fields["PRIORITY"] = String(entry.priority.rawValue)
                return fields
            }
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
