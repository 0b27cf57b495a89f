import Foundation
import Logging
import NIOCore
import SluiceCluster
import SluiceStorage
import SluiceWire
import Synchronization
import Testing

@testable import SluiceBroker
@testable import SluiceObservability

let quietLogger = Logger(label: "sluice.broker.tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `body` with a fresh directory under the temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-broker-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// One idempotent batch of `count` records from producer `producerId` at `epoch`, first sequence `sequence`.
func idempotentBatch(
    producerId: Int64 = 1_000, epoch: Int16 = 0, sequence: Int32, count: Int = 1, timestamp: Int64 = 1_700_000_000_000
) -> ByteBuffer {
    var builder = RecordBatchBuilder(firstTimestamp: timestamp, capacityBytes: 256 + count * 64)
    builder.producerId = producerId
    builder.producerEpoch = epoch
    builder.baseSequence = sequence
    for index in 0..<count {
        builder.append(key: nil as [UInt8]?, value: Array("p\(producerId)-s\(Int(sequence) + index)".utf8),
                       timestamp: timestamp + Int64(index))
    }
    return builder.finish()
}

/// A batch without a producer id (acks=1 producers without idempotence).
func plainBatch(count: Int = 1) -> ByteBuffer {
    var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
    for index in 0..<count { builder.append(key: nil as [UInt8]?, value: Array("plain-\(index)".utf8), timestamp: 1_700_000_000_000) }
    return builder.finish()
}

/// Several batches back to back in one buffer, as a produce request carries them.
func concatenate(_ batches: [ByteBuffer]) -> ByteBuffer {
    var all = ByteBuffer()
    for var batch in batches { all.writeBuffer(&batch) }
    return all
}

/// Collects journal entries (events) a sink receives.
final class EventRecorder: Sendable {
    private let entries = Mutex<[JournalEntry]>([])

    var sink: LogSink { LogSink(identifier: "test", capture: { entry in self.entries.withLock { $0.append(entry) } }) }

    /// The `SLUICE_EVENT` names received, in order.
    var eventNames: [String] {
        entries.withLock { $0.compactMap { $0.fields.first { $0.name == "SLUICE_EVENT" }?.value } }
    }
}

/// A single-broker ReplicaManager over `directory` hosting `topic` with `partitions` partitions led here.
func makeReplicaManager(
    _ directory: String, topic: String = "orders", partitions: Int32 = 1, metrics: BrokerMetrics = BrokerMetrics(version: "test"),
    events: EventEmitter = EventEmitter(sink: LogSink(target: .stderr)), logConfig: LogConfig = LogConfig(),
    clock: @escaping @Sendable () -> Int64 = ReplicaManager.wallClockMs, producerIdExpirationMs: Int64 = 86_400_000,
    replicas: [Int32] = [1]
) throws -> ReplicaManager {
    let manager = ReplicaManager(
        brokerId: 1, logDirectory: directory, logConfig: logConfig, minInsyncReplicas: 1, metrics: metrics,
        events: events, logger: quietLogger, clock: clock, producerIdExpirationMs: producerIdExpirationMs)
    let states = (0..<partitions).map {
        PartitionState(partition: $0, replicas: replicas, leader: 1, leaderEpoch: 0, isr: [1])
    }
    try manager.host(topic: TopicState(name: topic, partitions: states))
    return manager
}

/// Produces `records` to `topic`-`partition` with acks=1 and returns that partition's response.
func produce(
    _ manager: ReplicaManager, _ records: ByteBuffer, topic: String = "orders", partition: Int32 = 0, acks: Int16 = 1
) async throws -> ProducePartitionResponse {
    var request = ProduceRequest(
        acks: acks, timeoutMs: 1_000,
        topics: [ProduceTopicData(name: topic, partitions: [ProducePartitionData(partition: partition, records: records)])])
    let response = await manager.produce(&request)
    return try #require(response.topics.first?.partitions.first)
}

/// The value of one series in the exposition text, e.g. `sluice_broker_duplicate_batches_total{topic="orders"}`.
func metricValue(_ series: String, in metrics: BrokerMetrics) -> Double? {
    for line in metrics.emit().split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

/// Polls `condition` every millisecond until it holds or 10 s pass.
func eventually(_ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: .seconds(10))
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return true
}
