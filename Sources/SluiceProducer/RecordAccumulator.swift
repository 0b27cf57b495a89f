import NIOCore
import SluiceClient
import SluiceObservability
import SluiceWire
import Synchronization

/// Per-partition deques of batches that `send` appends to and the sender drains (Kafka's `RecordAccumulator`).
///
/// Locking: one `Mutex` guards all of it (`AccumulatorState`). A `send` takes it once: the partition's
/// metadata, the sticky choice and the append happen under that single acquisition (a custom partitioner
/// adds one more, to read the partition count before it runs outside the lock). Opening a new batch also
/// takes the pool's lock, nested (once per batch, not per record). `send(contentsOf:)` takes it per leased
/// batch instead of per record (`BatchLease`). No `await` happens under the lock; the sender takes it once
/// per `ready`, once per node's `drain`, and twice per completed batch.
///
/// Bounds: memory by `buffer.memory` (the `BufferPool`); one deque per partition sent to; batch sizes by
/// `batch.size` (a larger record gets a batch of its own, up to `max.request.size`).
final class RecordAccumulator: Sendable {
    let settings: AccumulatorSettings
    let pool: BufferPool
    let metrics: ProducerMetrics
    /// Woken when a batch becomes full or opens, and when a flush or close begins.
    let wakeup: SenderWakeup
    let state: Mutex<AccumulatorState>

    init(
        settings: AccumulatorSettings, pool: BufferPool, metrics: ProducerMetrics, wakeup: SenderWakeup,
        stickySeed: UInt64 = UInt64.random(in: 0...UInt64.max)
    ) {
        self.settings = settings
        self.pool = pool
        self.metrics = metrics
        self.wakeup = wakeup
        self.state = Mutex(AccumulatorState(stickySeed: stickySeed))
    }

    /// The deque of `topicPartition`, created (with its gauges) the first time. Caller holds the lock.
    func queue(for topicPartition: TopicPartition, in state: inout AccumulatorState) -> PartitionQueue {
        if let existing = state.queues[topicPartition] { return existing }
        let entry = topicEntry(topicPartition.topic, in: &state)
        return queue(in: entry, topic: topicPartition.topic, partition: topicPartition.partition, state: &state)
    }

    /// The deque of `partition` of the topic `entry`, created the first time (the append path: no hashing
    /// once the topic's entry is found). Caller holds the lock.
    func queue(
        in entry: TopicEntry, topic: String, partition: Int32, state: inout AccumulatorState
    ) -> PartitionQueue {
        if let existing = entry.queue(partition) { return existing }
        let topicPartition = TopicPartition(topic: topic, partition: partition)
        let gauges = metrics.partition(topic: topic, partition: partition)
        let created = PartitionQueue(topicPartition: topicPartition, gauges: gauges)
        if entry.queues.count <= Int(partition) {
            entry.queues += Array(repeating: nil, count: Int(partition) + 1 - entry.queues.count)
        }
        entry.queues[Int(partition)] = created
        state.queues[topicPartition] = created
        state.drainOrder.append(created)
        return created
    }

    /// The entry of `topic`, created (without layout) the first time. Caller holds the lock.
    func topicEntry(_ topic: String, in state: inout AccumulatorState) -> TopicEntry {
        if let existing = state.topics[topic] { return existing }
        let created = TopicEntry(layout: nil)
        state.topics[topic] = created
        return created
    }

    /// The leader node of a partition per the current metadata, if it has one the broker list knows.
    func leader(of topicPartition: TopicPartition, in state: borrowing AccumulatorState) -> Int32? {
        guard let leader = state.topics[topicPartition.topic]?.layout?.leader(of: topicPartition.partition),
            state.brokers[leader] != nil
        else { return nil }
        return leader
    }

    /// Whether the sender may take the head batch of `queue` now, as far as ordering goes:
    /// - never more than `max.in.flight.requests.per.connection` of its batches in flight (1: strict order,
    ///   Kafka's muted partitions);
    /// - with sequences, a retried batch (it has its sequence already) goes only when none of the
    ///   partition's batches is in flight, so retries reach the broker in sequence order.
    static func isDrainable(_ queue: PartitionQueue, sequencing: Bool, maxInFlight: Int) -> Bool {
        guard queue.inFlightBatches < maxInFlight else { return false }
        guard sequencing, let head = queue.head, head.baseSequence >= 0 else { return true }
        return queue.inFlightBatches == 0
    }

    /// The facts the readiness rule reads about the head of `queue`.
    static func headFacts(_ queue: PartitionQueue) -> BatchReadiness.Head? {
        guard let head = queue.head else { return nil }
        return BatchReadiness.Head(
            openedMs: head.openedNanos / 1_000_000, attempts: head.attempts,
            lastAttemptMs: head.lastAttemptNanos / 1_000_000, isFull: head.isFull || queue.batchCount > 1)
    }
}
