import NIOCore
import SluiceClient
import SluiceObservability
import SluiceWire

/// One partition's deque of batches and its idempotence state (Kafka's per-partition `Deque<ProducerBatch>`
/// plus `TxnPartitionEntry`).
///
/// A reference type that lives only inside the accumulator's `Mutex` and is touched only with the lock held;
/// it never escapes it (so it needs no `Sendable`). The deque is `sealed` (closed for appends, oldest first,
/// retries in front) followed by `open` (the one batch appends go to).
/// Bound: `buffer.memory` / `batch.size` batches across all partitions.
///
/// The hot fields are `@exclusivity(unchecked)`: the accumulator's lock already serializes every access, so
/// the runtime's dynamic exclusivity bookkeeping would only cost time on each append.
final class PartitionQueue {
    let topicPartition: TopicPartition
    /// `sluice_producer_accumulator_batches`/`_records` of this partition.
    let gauges: ProducerPartitionGauges
    /// Batches closed for appends, oldest first; re-enqueued retries go in front, in sequence order.
    @exclusivity(unchecked) var sealed = CircularBuffer<ProducerBatch>(initialCapacity: 4)
    /// The batch records are appended to, if any.
    @exclusivity(unchecked) var open: ProducerBatch?
    /// Records in `sealed` and `open`.
    @exclusivity(unchecked) var queuedRecords = 0
    /// Batches of this partition sent and not yet answered. Bound: `max.in.flight.requests.per.connection`.
    var inFlightBatches = 0
    /// Idempotence: the sequence the next new batch gets (Kafka: `nextSequence`).
    var nextSequence: Int32 = 0
    /// Idempotence: the sequence after the last acknowledged batch; a batch with a later base sequence that
    /// gets OUT_OF_ORDER_SEQUENCE_NUMBER is waiting for an earlier retry, not broken.
    var nextAcknowledgedSequence: Int32 = 0

    init(topicPartition: TopicPartition, gauges: ProducerPartitionGauges) {
        self.topicPartition = topicPartition
        self.gauges = gauges
    }

    /// Batches waiting (sealed and open).
    var batchCount: Int { sealed.count + (open == nil ? 0 : 1) }

    /// The batch the sender would take next.
    var head: ProducerBatch? { sealed.first ?? open }

    /// Seals the open batch (a record did not fit, or a new sticky batch starts): it becomes `full`.
    /// Returns whether there was one.
    @discardableResult
    func sealOpenBatch() -> Bool {
        guard var batch = open else { return false }
        open = nil
        batch.isClosedForAppends = true
        sealed.append(batch)
        return true
    }

    /// Removes and returns the head batch.
    func takeHead() -> ProducerBatch {
        if !sealed.isEmpty { return sealed.removeFirst() }
        guard let batch = open else { preconditionFailure("takeHead on the empty deque of \(topicPartition)") }
        open = nil
        return batch
    }

    /// Puts a batch back after a retriable error: in front, behind earlier-sequenced retries (Kafka's
    /// `insertInSequenceOrder`), so retries go out in sequence order.
    func reenqueue(_ batch: ProducerBatch) {
        var index = sealed.startIndex
        while index < sealed.endIndex, sealed[index].attempts > 0, sealed[index].baseSequence >= 0,
            batch.baseSequence >= 0, sealed[index].baseSequence < batch.baseSequence
        {
            index = sealed.index(after: index)
        }
        sealed.insert(batch, at: index)
    }

    /// Publishes the deque's depth to the partition gauges (an atomic store each).
    func publishGauges() {
        gauges.update(batches: batchCount, records: queuedRecords)
    }
}
