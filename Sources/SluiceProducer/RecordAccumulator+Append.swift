import NIOCore
import SluiceClient
import SluiceWire

extension RecordAccumulator {
    /// One record to append: serialized bytes (valid only during the call) and what to keep about it.
    ///
    /// `@unchecked Sendable`: it holds the serializers' lent pointers, which are only read synchronously by
    /// `append` (copied into the batch buffer) and never stored; everything else in it is Sendable.
    struct AppendRequest: @unchecked Sendable {
        let topic: String
        let choice: PartitionChoice
        let key: UnsafeRawBufferPointer?
        let value: UnsafeRawBufferPointer?
        /// CreateTime, ms since the epoch.
        let timestamp: Int64
        /// Monotonic time of the `send` call.
        let nowNanos: Int64
        /// Keep a `RecordCompletion` (a callback, a sync waiter or interceptors listen).
        let storesCompletion: Bool
        let callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    }

    /// Appends a record under one acquisition of the lock: resolve the partition (explicit, key hash or
    /// sticky), append to its open batch, or seal that batch and open a new one from the pool. Never waits:
    /// outcomes other than `.appended` tell the caller what to await before retrying.
    ///
    /// `reserved` is memory the caller waited for; it is used for a new batch or returned to the pool.
    func append(_ request: AppendRequest, reserved: inout ReservedMemory?) -> AppendOutcome {
        let outcome = state.withLock { state -> AppendOutcome in
            guard !state.isClosed else { return .closed }
            guard let entry = state.topics[request.topic], let layout = entry.layout else { return .needsMetadata }
            var partition: Int32
            switch request.choice {
            case .explicit(let given):
                guard given >= 0, given < layout.partitionCount else {
                    return .invalidPartition(partitionCount: layout.partitionCount)
                }
                partition = given
            case .keyHash(let hash):
                assert(hash >= 0, "key hashes are made positive before the lock")
                partition = hash % layout.partitionCount
            case .sticky:
                partition = state.sticky.partition(for: request.topic, layout: layout)
            }
            var queue = queue(in: entry, topic: request.topic, partition: partition, state: &state)
            if let becameFull = appendToOpenBatch(request, queue: queue) {
                return .appended(partition: partition, wakeSender: becameFull)
            }
            var sealed = queue.sealOpenBatch()
            if case .sticky = request.choice {
                let next = state.sticky.partitionAfterNewBatch(for: request.topic, layout: layout, previous: partition)
                if next != partition {
                    partition = next
                    queue = self.queue(in: entry, topic: request.topic, partition: partition, state: &state)
                    if let becameFull = appendToOpenBatch(request, queue: queue) {
                        return .appended(partition: partition, wakeSender: becameFull || sealed)
                    }
                    sealed = queue.sealOpenBatch() || sealed
                }
            }
            return appendToNewBatch(request, queue: queue, reserved: &reserved, state: &state)
                ?? .needsMemory(bytes: newBatchBytes(request))
        }
        if let unused = reserved, case .appended = outcome {
            reserved = nil
            pool.deallocate(unused.buffer, bytes: unused.bytes)
        }
        return outcome
    }

    /// Bytes of `buffer.memory` a new batch for this record takes: `batch.size`, or the record's own batch.
    func newBatchBytes(_ request: AppendRequest) -> Int {
        let recordBytes = ProducerBatch.maximumRecordBytes(
            keyCount: request.key?.count, valueCount: request.value?.count)
        return max(settings.batchSizeBytes, RecordBatchHeader.size + recordBytes)
    }

    /// Appends to the open batch of `queue` when the record fits; returns whether the batch is now full,
    /// or nil when there is no open batch or no room. Caller holds the lock.
    private func appendToOpenBatch(_ request: AppendRequest, queue: PartitionQueue) -> Bool? {
        // No `let open = queue.open`: a copy alive during the append would share the buffer and make the
        // write copy the whole batch. Every access below goes through the stored property, in place.
        guard
            let recordBytes = queue.open?.nextRecordBytes(
                key: request.key, value: request.value, timestamp: request.timestamp),
            queue.open!.hasRoom(forRecordBytes: recordBytes)
        else { return nil }
        queue.open!.append(
            key: request.key, value: request.value, timestamp: request.timestamp, sendNanos: request.nowNanos,
            storesCompletion: request.storesCompletion, callback: request.callback)
        queue.queuedRecords += 1
        queue.publishGauges()
        return queue.open!.isFull
    }

    /// Opens a batch in `queue` with the reserved buffer or one from the pool, and appends the record to
    /// it; nil when the pool has no memory now. Caller holds the lock.
    private func appendToNewBatch(
        _ request: AppendRequest, queue: PartitionQueue, reserved: inout ReservedMemory?,
        state: inout AccumulatorState
    ) -> AppendOutcome? {
        assert(queue.open == nil, "a new batch opens only after the previous one is sealed")
        guard var batch = openBatch(for: request, in: queue, reserved: &reserved, state: &state) else { return nil }
        batch.append(
            key: request.key, value: request.value, timestamp: request.timestamp, sendNanos: request.nowNanos,
            storesCompletion: request.storesCompletion, callback: request.callback)
        queue.open = batch
        queue.queuedRecords += 1
        queue.publishGauges()
        return .appended(partition: queue.topicPartition.partition, wakeSender: true)
    }

    /// A new empty batch for `request`'s record in `queue`'s partition, with the reserved buffer or one from
    /// the pool (nil when the pool has no memory now); counted as incomplete from here. Caller holds the lock.
    func openBatch(
        for request: AppendRequest, in queue: PartitionQueue, reserved: inout ReservedMemory?,
        state: inout AccumulatorState
    ) -> ProducerBatch? {
        let bytes = newBatchBytes(request)
        let buffer: ByteBuffer
        if let memory = reserved, memory.bytes == bytes {
            buffer = memory.buffer
            reserved = nil
        } else if let pooled = pool.tryAllocate(bytes: bytes) {
            buffer = pooled
        } else {
            return nil
        }
        state.nextBatchId += 1
        state.incompleteBatches += 1
        // The record's size as the first of a batch (deltas 0): records like it fill the batch to about
        // `expectedRecords`, so the per-record arrays are sized once (an upper-bound size would undercount and
        // make them grow, copying, mid-batch).
        let body = ProducerBatch.recordBodyBytes(
            offsetDelta: 0, timestampDelta: 0, keyCount: request.key?.count, valueCount: request.value?.count)
        let recordBytes = Varint.size(UInt64(body)) + body
        return ProducerBatch(
            id: state.nextBatchId, topicPartition: queue.topicPartition, buffer: buffer, allocatedBytes: bytes,
            writeLimitBytes: bytes, openedNanos: request.nowNanos, firstTimestamp: request.timestamp,
            expectedRecords: bytes / max(1, recordBytes) + 1)
    }
}
