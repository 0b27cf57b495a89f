import SluiceWire

/// One partition's idempotent-producer state (Kafka's `ProducerStateManager`): an entry per producer id.
///
/// A value type with no I/O: the partition keeps it behind its producer lock, checks a request's batches
/// with `check`, appends, then records them with `recordAppended`; recovery and followers `replay` batch
/// headers from the log; snapshots copy `entries`. Bound: one entry per producer id seen on the partition,
/// removed `producer.id.expiration.ms` after its last append (`removeExpired`).
struct ProducerStateManager: Sendable {
    /// The idempotence decision for all the batches one produce request carries for one partition, made before
    /// any of them is appended.
    enum AppendCheck: Sendable, Hashable {
        /// Append them all (every idempotent batch continues its producer's sequence).
        case append
        /// Every batch was appended before: answer with the original offsets, append nothing.
        case duplicate(firstOffset: Int64, lastOffset: Int64, batchCount: Int)
        /// Refuse the whole request.
        case refused(ProducerStateError)
    }

    private(set) var entries: [Int64: ProducerStateEntry]

    init(entries: [Int64: ProducerStateEntry] = [:]) {
        self.entries = entries
    }

    /// The state of `producerId`, if known.
    func entry(for producerId: Int64) -> ProducerStateEntry? { entries[producerId] }

    /// Decides a request's validated batches (`bytes`, `batchCount` of them, back to back) before any is
    /// appended: one pass over the headers, none over records. Every batch is checked against the state as
    /// the earlier batches of the same request would leave it. Refused when any batch is out of order or
    /// fenced; a duplicate when every batch is one (Kafka answers the original offsets); a request mixing
    /// duplicates and new batches is refused as out of order (no Kafka client sends one).
    func check(_ bytes: UnsafeRawBufferPointer, batchCount: Int) -> AppendCheck {
        precondition(batchCount >= 1, "a request carries at least one batch")
        // Working copies of entries changed by earlier batches of this request; untouched for one batch.
        var pending: [Int64: ProducerStateEntry] = [:]
        var duplicates: (first: ProducerBatchMetadata, last: ProducerBatchMetadata, batch: ProducerBatch, count: Int)?
        var appendCount = 0
        var position = 0
        for _ in 0..<batchCount {
            let header = Self.header(in: bytes, at: position)
            position += header.totalSize
            guard let batch = ProducerBatch(header) else {
                appendCount += 1
                continue
            }
            let current = pending[batch.producerId] ?? entries[batch.producerId]
            switch ProducerBatchCheck.evaluate(batch, against: current) {
            case .refused(let error):
                return .refused(error)
            case .duplicate(let original):
                duplicates = (duplicates?.first ?? original, original, duplicates?.batch ?? batch,
                              (duplicates?.count ?? 0) + 1)
            case .inSequence:
                appendCount += 1
                if batchCount > 1 { pending[batch.producerId] = Self.recording(batch, in: current) }
            }
        }
        precondition(position == bytes.count, "checked batches cover the validated buffer")
        guard let duplicates else { return .append }
        guard appendCount == 0 else {
            return .refused(.outOfOrderSequence(
                producerId: duplicates.batch.producerId, producerEpoch: duplicates.batch.producerEpoch,
                baseSequence: duplicates.batch.firstSequence,
                reason: "the request mixes \(duplicates.count) duplicate batch(es) with \(appendCount) new one(s)"))
        }
        return .duplicate(
            firstOffset: duplicates.first.firstOffset, lastOffset: duplicates.last.lastOffset,
            batchCount: duplicates.count)
    }

    /// Records the batches just appended as leader (`bytes` as stamped by the log: base offsets are real),
    /// at broker time `timestampMs`. They passed `check`, so every one continues its producer.
    mutating func recordAppended(_ bytes: UnsafeRawBufferPointer, batchCount: Int, timestampMs: Int64) {
        var position = 0
        for _ in 0..<batchCount {
            let header = Self.header(in: bytes, at: position)
            position += header.totalSize
            record(header, timestampMs: timestampMs)
        }
        precondition(position == bytes.count, "recorded batches cover the appended buffer")
    }

    /// Records a batch header read back from the log (recovery, follower append) without checking it: the
    /// log is the truth. Its time is the batch's max timestamp (Kafka's rule), never moving an entry back.
    mutating func replay(_ header: RecordBatchHeader) {
        record(header, timestampMs: header.maxTimestamp)
    }

    /// Removes producers whose last append is `expirationMs` (`producer.id.expiration.ms`) or more before
    /// `nowMs`; returns how many. A later batch of theirs must then start again at sequence 0.
    @discardableResult
    mutating func removeExpired(nowMs: Int64, expirationMs: Int64) -> Int {
        precondition(expirationMs >= 0, "producer.id.expiration.ms must not be negative")
        let before = entries.count
        // Most passes expire nothing: scan first, rebuild the dictionary only when something goes.
        guard entries.values.contains(where: { nowMs - $0.lastTimestampMs >= expirationMs }) else { return 0 }
        entries = entries.filter { nowMs - $0.value.lastTimestampMs < expirationMs }
        assert(entries.count <= before)
        return before - entries.count
    }

    private mutating func record(_ header: RecordBatchHeader, timestampMs: Int64) {
        guard let batch = ProducerBatch(header) else { return }
        let metadata = ProducerBatchMetadata(
            firstSequence: batch.firstSequence, lastSequence: batch.lastSequence, firstOffset: header.baseOffset,
            lastOffset: header.lastOffset)
        entries[batch.producerId, default: ProducerStateEntry(
            producerId: batch.producerId, producerEpoch: batch.producerEpoch, lastTimestampMs: timestampMs)
        ].record(metadata, producerEpoch: batch.producerEpoch, timestampMs: timestampMs)
    }

    /// `current` as it would be after appending `batch` (offsets unknown yet: only sequences matter here).
    private static func recording(_ batch: ProducerBatch, in current: ProducerStateEntry?) -> ProducerStateEntry {
        var entry = current
            ?? ProducerStateEntry(producerId: batch.producerId, producerEpoch: batch.producerEpoch, lastTimestampMs: 0)
        let placeholder = ProducerBatchMetadata(
            firstSequence: batch.firstSequence, lastSequence: batch.lastSequence, firstOffset: -1, lastOffset: -1)
        entry.record(placeholder, producerEpoch: batch.producerEpoch, timestampMs: 0)
        return entry
    }

    /// The header of the validated batch at `position` of `bytes`.
    private static func header(in bytes: UnsafeRawBufferPointer, at position: Int) -> RecordBatchHeader {
        guard let header = RecordBatchHeader(parsing: UnsafeRawBufferPointer(rebasing: bytes[position...])) else {
            preconditionFailure("validated batch at byte \(position) lost its header")
        }
        assert(header.totalSize >= RecordBatchHeader.size, "a validated batch holds its header")
        return header
    }
}

/// The idempotence decision for one batch against its producer's state (Kafka's
/// `ProducerAppendInfo.checkProducerEpoch` / `checkSequence` and `ProducerStateEntry.findDuplicateBatch`).
fileprivate enum ProducerBatchCheck: Sendable, Hashable {
    /// Append it: it continues the producer's sequence (or starts a new producer or epoch at 0).
    case inSequence
    /// It was appended before (same epoch and sequence range as one of the last 5): answer with the original.
    case duplicate(ProducerBatchMetadata)
    /// Refuse the request.
    case refused(ProducerStateError)

    /// Decides `batch` against `entry` (nil: producer unknown on this partition). Pure.
    ///
    /// Epoch older → fenced; epoch newer → must start at sequence 0; same epoch → a duplicate of one of the
    /// cached batches, else the base sequence must be the last sequence + 1 (`Int32.max` + 1 wraps to 0).
    static func evaluate(_ batch: ProducerBatch, against entry: ProducerStateEntry?) -> ProducerBatchCheck {
        guard batch.producerEpoch >= 0 else {
            return .refused(.negativeEpoch(producerId: batch.producerId, producerEpoch: batch.producerEpoch))
        }
        guard let entry else {
            return startsAtZero(batch, "unknown producer: its first batch must have sequence 0")
        }
        assert(entry.producerId == batch.producerId, "checked against another producer's entry")
        if batch.producerEpoch < entry.producerEpoch {
            return .refused(.fencedEpoch(
                producerId: batch.producerId, producerEpoch: batch.producerEpoch, currentEpoch: entry.producerEpoch))
        }
        if batch.producerEpoch > entry.producerEpoch {
            return startsAtZero(batch, "a new epoch (was \(entry.producerEpoch)) must start at sequence 0")
        }
        if let original = entry.duplicate(of: batch) { return .duplicate(original) }
        guard let lastSequence = entry.lastSequence else {
            return startsAtZero(batch, "no batch of this epoch is known: it must start at sequence 0")
        }
        let expected = ProducerBatch.sequence(lastSequence, advancedBy: 1)
        guard batch.firstSequence == expected else {
            return outOfOrder(batch, "expected \(expected) (last appended sequence \(lastSequence))")
        }
        return .inSequence
    }

    private static func startsAtZero(_ batch: ProducerBatch, _ reason: String) -> ProducerBatchCheck {
        batch.firstSequence == 0 ? .inSequence : outOfOrder(batch, reason)
    }

    private static func outOfOrder(_ batch: ProducerBatch, _ reason: String) -> ProducerBatchCheck {
        .refused(.outOfOrderSequence(
            producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.firstSequence,
            reason: reason))
    }
}
