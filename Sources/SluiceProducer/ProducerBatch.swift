import NIOCore
import SluiceClient
import SluiceObservability
import SluiceWire

/// One batch of records for one partition, encoded as it grows into a pooled buffer (Kafka's `ProducerBatch`).
///
/// Life: opened by the first record's append; open for appends until the next record does not fit
/// (`batch.size`) or the sender drains it; then finished (header, producer id, sequence, CRC) and sent,
/// perhaps several times (retries send the same bytes); completed once with offsets or an error, when its
/// buffer goes back to the `BufferPool`.
///
/// A value type owned by one place at a time: the partition's deque (under the accumulator's lock), then
/// the sender's in-flight request. Mutated in place there, so its buffer stays uniquely referenced and
/// appends never copy it.
struct ProducerBatch: Sendable {
    /// Increasing per producer; `flush()` waits for every batch up to the last id created before it.
    let id: UInt64
    let topicPartition: TopicPartition
    /// Header space (61 bytes, zeroed) followed by the records so far.
    /// Written only by `writeRecord`, `finish` and `takeBuffer`.
    var buffer: ByteBuffer
    /// Bytes of `buffer.memory` this batch holds: `batch.size`, or its own size for an oversized record.
    let allocatedBytes: Int
    /// Appends stop at this size (`batch.size`; an oversized record's own batch is exactly its size).
    let writeLimitBytes: Int
    /// Monotonic time of the first append: linger counts from here, and so does `delivery.timeout.ms`.
    let openedNanos: Int64
    /// CreateTime of the first record; later records store their difference to it.
    let firstTimestamp: Int64
    private(set) var maxTimestamp: Int64
    private(set) var recordCount: Int32 = 0
    /// Set when a record did not fit: the batch is full (readiness reason `full`).
    var isClosedForAppends = false
    /// Per record, microseconds from `openedNanos` to its `send` (for the delivery-latency histogram).
    /// Reserved once per batch; appending does not allocate until the estimate is exceeded.
    private(set) var sendOffsetsMicros: [UInt32]
    /// Per-record completions, only for records someone waits for (see `RecordCompletion`).
    private(set) var completions: [RecordCompletion] = []

    /// How many times the batch went back to the deque after a retriable error.
    var attempts = 0
    /// Monotonic time of the last re-enqueue; `retry.backoff.ms` counts from here.
    var lastAttemptNanos: Int64 = 0
    /// The broker's last retriable answer (`NOT_ENOUGH_REPLICAS: …`), kept so that a batch that then expires
    /// in the deque says why it was never acknowledged. Nil until a retry.
    var lastError: String?
    /// Why the batch first left the accumulator (nil until drained; kept across retries).
    var sendReason: BatchSendReason?
    /// The idempotent sequence of the first record, assigned on the first drain; -1 when not idempotent.
    private(set) var baseSequence: Int32 = -1
    private(set) var producerId: Int64 = -1
    private(set) var producerEpoch: Int16 = -1
    /// Whether the header and CRC are written: from then on the bytes never change (a retry is byte-identical).
    private(set) var isFinished = false

    /// An empty batch over `buffer` (a cleared pooled buffer or a fresh one of `allocatedBytes`).
    init(
        id: UInt64, topicPartition: TopicPartition, buffer: ByteBuffer, allocatedBytes: Int, writeLimitBytes: Int,
        openedNanos: Int64, firstTimestamp: Int64, expectedRecords: Int
    ) {
        precondition(buffer.readableBytes == 0, "a batch starts from an empty buffer")
        precondition(
            buffer.capacity >= writeLimitBytes,
            "buffer of \(buffer.capacity) bytes below write limit \(writeLimitBytes)")
        var buffer = buffer
        buffer.moveReaderIndex(to: 0)
        buffer.writeRepeatingByte(0, count: RecordBatchHeader.size)
        self.id = id
        self.topicPartition = topicPartition
        self.buffer = buffer
        self.allocatedBytes = allocatedBytes
        self.writeLimitBytes = writeLimitBytes
        self.openedNanos = openedNanos
        self.firstTimestamp = firstTimestamp
        self.maxTimestamp = firstTimestamp
        self.sendOffsetsMicros = []
        self.sendOffsetsMicros.reserveCapacity(max(1, expectedRecords))
    }

    /// Bytes so far, header included.
    var sizeBytes: Int { buffer.readableBytes }

    /// Full: a record did not fit, or the write limit is reached (Kafka's `isFull`).
    var isFull: Bool { isClosedForAppends || sizeBytes >= writeLimitBytes }

    /// Whether a record of `recordBytes` (length prefix included) fits; the first record always does.
    func hasRoom(forRecordBytes recordBytes: Int) -> Bool {
        recordCount == 0 || sizeBytes + recordBytes <= writeLimitBytes
    }

    /// Appends one record's bytes (see `ProducerBatch+Encoding`) and its bookkeeping. The caller checked
    /// `hasRoom`; `storesCompletion` keeps a `RecordCompletion` (someone waits for this record).
    mutating func append(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [RecordHeader] = [],
        headersBytes: Int = 0, timestamp: Int64, sendNanos: Int64,
        storesCompletion: Bool, callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    ) {
        assert(!isFinished, "append to a finished batch")
        assert(!isClosedForAppends, "append to a batch closed for appends")
        let offsetDelta = recordCount
        writeRecord(
            key: key, value: value, headers: headers, headersBytes: headersBytes, offsetDelta: offsetDelta,
            timestampDelta: timestamp &- firstTimestamp)
        recordCount += 1
        maxTimestamp = max(maxTimestamp, timestamp)
        let micros = max(0, sendNanos - openedNanos) / 1_000
        sendOffsetsMicros.append(UInt32(clamping: micros))
        if storesCompletion {
            if completions.capacity == 0 { completions.reserveCapacity(sendOffsetsMicros.capacity) }
            completions.append(
                RecordCompletion(
                    offsetDelta: offsetDelta, timestamp: timestamp,
                    serializedKeySize: key.map { Int32(clamping: $0.count) } ?? -1,
                    serializedValueSize: value.map { Int32(clamping: $0.count) } ?? -1, callback: callback))
        }
    }

    /// Writes the header: producer id/epoch and base sequence (-1s when not idempotent), counts, timestamps,
    /// then the CRC-32C. Once finished the batch is immutable; retries resend these bytes.
    mutating func finish(producerId: Int64, producerEpoch: Int16, baseSequence: Int32) {
        precondition(!isFinished, "a batch is finished once")
        precondition(recordCount > 0, "a batch needs at least one record")
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        let header = RecordBatchHeader(
            baseOffset: 0, batchLength: Int32(buffer.readableBytes - RecordBatchHeader.lengthFieldEnd),
            partitionLeaderEpoch: -1, crc: 0, attributes: 0, lastOffsetDelta: recordCount - 1,
            firstTimestamp: firstTimestamp, maxTimestamp: maxTimestamp, producerId: producerId,
            producerEpoch: producerEpoch, baseSequence: baseSequence, recordCount: recordCount)
        buffer.withUnsafeMutableReadableBytes { header.seal($0) }
        isFinished = true
    }

    /// Stamps a finished batch again with a new producer id, epoch and base sequence (after the producer's
    /// identity was reset, Kafka's `resetProducerState`): the header and CRC are rewritten, the records kept.
    mutating func restamp(producerId: Int64, producerEpoch: Int16, baseSequence: Int32) {
        precondition(isFinished, "only a finished batch is stamped again")
        isFinished = false
        finish(producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence)
    }

    /// Gives the buffer back (for the pool) and leaves the batch empty; called once, at completion.
    mutating func takeBuffer() -> ByteBuffer {
        let taken = buffer
        buffer = ByteBuffer()
        return taken
    }
}
