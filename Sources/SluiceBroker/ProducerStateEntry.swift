/// One producer's state on one partition (Kafka's `ProducerStateEntry`): its current epoch, where its last
/// 5 batches landed, and when it last appended.
///
/// Bound: `batchesRetained` batches — the producer keeps at most `max.in.flight.requests.per.connection`
/// (≤ 5 with idempotence) unacknowledged, so a retry is always one of them.
struct ProducerStateEntry: Sendable, Hashable {
    /// Kafka's `NUM_BATCHES_TO_RETAIN`.
    static let batchesRetained = 5

    let producerId: Int64
    private(set) var producerEpoch: Int16
    /// Oldest first, at most `batchesRetained`, all of `producerEpoch`.
    private(set) var batches: [ProducerBatchMetadata]
    /// Broker time of the last append as leader (the batch's max timestamp for batches replayed from the log);
    /// `producer.id.expiration.ms` counts from it.
    private(set) var lastTimestampMs: Int64

    init(producerId: Int64, producerEpoch: Int16, batches: [ProducerBatchMetadata] = [], lastTimestampMs: Int64) {
        precondition(producerId >= 0, "producer ids are not negative")
        precondition(batches.count <= Self.batchesRetained, "at most \(Self.batchesRetained) batches are retained")
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.batches = batches
        self.lastTimestampMs = lastTimestampMs
    }

    /// The last sequence appended in the current epoch; nil when none is known.
    var lastSequence: Int32? { batches.last?.lastSequence }

    /// The cached batch with the same epoch and sequence range as `batch`, if any.
    func duplicate(of batch: ProducerBatch) -> ProducerBatchMetadata? {
        guard batch.producerEpoch == producerEpoch else { return nil }
        return batches.first { $0.firstSequence == batch.firstSequence && $0.lastSequence == batch.lastSequence }
    }

    /// Records an appended batch: a new epoch forgets the old epoch's batches; the oldest of 5 is dropped.
    mutating func record(_ metadata: ProducerBatchMetadata, producerEpoch epoch: Int16, timestampMs: Int64) {
        if epoch != producerEpoch {
            batches.removeAll(keepingCapacity: true)
            producerEpoch = epoch
        }
        if batches.count == Self.batchesRetained { batches.removeFirst() }
        batches.append(metadata)
        lastTimestampMs = max(lastTimestampMs, timestampMs)
        assert(batches.count <= Self.batchesRetained)
    }
}
