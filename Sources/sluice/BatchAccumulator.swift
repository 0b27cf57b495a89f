import NIOCore
import SluiceWire

/// The CLI's simple accumulator: one open `RecordBatchBuilder` per partition; a batch is sealed when
/// the next record would push it past `batch.size` (a single larger record gets a batch of its own),
/// or when the caller seals it (linger, end of input). The producer library replaces this.
///
/// Bound: `batchSizeBytes` per open batch, one open batch per partition; sealed batches wait in
/// `sealed` until the caller takes them (it does after every input chunk).
struct BatchAccumulator {
    /// A batch ready to send.
    struct SealedBatch {
        let partition: Int32
        let records: ByteBuffer
        let recordCount: Int
    }

    private struct OpenBatch {
        var builder: RecordBatchBuilder
        let openedAtMs: Int64
    }

    /// `batch.size`.
    let batchSizeBytes: Int
    private var open: [OpenBatch?]
    private var openCount = 0
    /// Kept up to date on open and seal, so the per-record linger check does not scan partitions.
    private(set) var oldestOpenedAtMs: Int64?
    private(set) var sealed: [SealedBatch] = []

    init(partitionCount: Int32, batchSizeBytes: Int) {
        precondition(partitionCount > 0, "a topic has at least one partition")
        precondition(batchSizeBytes >= RecordBatchHeader.size, "batch.size must hold a batch header")
        self.batchSizeBytes = batchSizeBytes
        self.open = Array(repeating: nil, count: Int(partitionCount))
    }

    /// Whether any batch is open (has records and is not sealed).
    var hasOpenBatches: Bool { openCount > 0 }

    /// Appends a record to `partition`'s batch. Returns whether a batch of that partition was sealed
    /// (the caller's sticky partitioner moves on then).
    mutating func append(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, timestampMs: Int64, partition: Int32
    ) -> Bool {
        let index = Int(partition)
        let recordBytes = RecordBatchBuilder.estimatedRecordSize(
            keyBytes: key?.count ?? 0, valueBytes: value?.count ?? 0)
        var didSeal = false
        let wouldOverflow = open[index].map { $0.builder.sizeBytes + recordBytes > batchSizeBytes } ?? false
        if wouldOverflow {
            seal(index)
            didSeal = true
        }
        if open[index] == nil {
            let capacityBytes = max(batchSizeBytes, recordBytes + RecordBatchHeader.size)
            open[index] = OpenBatch(
                builder: RecordBatchBuilder(firstTimestamp: timestampMs, capacityBytes: capacityBytes),
                openedAtMs: timestampMs)
            openCount += 1
            oldestOpenedAtMs = min(oldestOpenedAtMs ?? timestampMs, timestampMs)
        }
        // In place: a copy of the builder would copy its buffer on write.
        open[index]!.builder.append(key: key, value: value, timestamp: timestampMs)
        if open[index]!.builder.sizeBytes >= batchSizeBytes {
            seal(index)
            didSeal = true
        }
        return didSeal
    }

    /// Seals every open batch (linger expired, end of input).
    mutating func sealAll() {
        for index in open.indices where open[index] != nil { seal(index) }
        assert(openCount == 0, "every open batch was sealed")
    }

    /// Takes the sealed batches, oldest first.
    mutating func takeSealed() -> [SealedBatch] {
        defer { sealed.removeAll(keepingCapacity: true) }
        return sealed
    }

    private mutating func seal(_ index: Int) {
        guard var batch = open[index] else { return }
        open[index] = nil
        openCount -= 1
        precondition(openCount >= 0, "open batch count went negative")
        oldestOpenedAtMs = openCount == 0 ? nil : open.lazy.compactMap { $0?.openedAtMs }.min()
        let recordCount = Int(batch.builder.recordCount)
        sealed.append(SealedBatch(partition: Int32(index), records: batch.builder.finish(), recordCount: recordCount))
    }
}
