import SluiceWire

extension Producer {
    /// The append loop of a `send`: try under the accumulator's lock; when that needs metadata or buffer
    /// memory, await it (together at most `max.block.ms`) and try again. Returns once the record is in a batch.
    func append(
        _ record: ProducerRecord<Key, Value>, callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    ) async throws(ProducerError) {
        // One monotonic and (without a given timestamp) one wall-clock read on the fast path.
        var nowNanos = clock.monotonicNanos()
        let deadlineNanos = nowNanos + config.maxBlockMs * 1_000_000
        let timestamp = record.timestamp ?? clock.wallClockMs()
        var reserved: ReservedMemory?
        defer {
            if let unused = reserved { pool.deallocate(unused.buffer, bytes: unused.bytes) }
        }
        // Bounded: each retry follows a metadata answer or granted memory, and both waits end at the deadline.
        while true {
            let outcome = try attemptAppend(
                record, timestamp: timestamp, nowNanos: nowNanos, callback: callback, reserved: &reserved)
            switch outcome {
            case .appended(_, let wakeSender):
                if wakeSender { accumulator.wakeup.signal() }
                return
            case .needsMetadata:
                try await awaitMetadata(topic: record.topic, deadlineNanos: deadlineNanos)
                nowNanos = clock.monotonicNanos()
            case .needsMemory(let bytes):
                let remaining = Duration.nanoseconds(max(0, deadlineNanos - clock.monotonicNanos()))
                let wakeup = accumulator.wakeup
                let buffer = try await pool.allocate(
                    bytes: bytes, maxBlock: remaining, clock: clock, whenQueued: { wakeup.signal() })
                reserved = ReservedMemory(buffer: buffer, bytes: bytes)
                nowNanos = clock.monotonicNanos()
            case .invalidPartition(let partitionCount):
                throw .invalidPartition(
                    topic: record.topic, partition: record.partition ?? -1, partitionCount: partitionCount)
            case .closed:
                throw .closed
            }
        }
    }

    /// Serializes the record and appends it (synchronously: the serialized bytes are only lent).
    private func attemptAppend(
        _ record: ProducerRecord<Key, Value>, timestamp: Int64, nowNanos: Int64,
        callback: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?, reserved: inout ReservedMemory?
    ) throws(ProducerError) -> AppendOutcome {
        let headersBytes = RecordAccumulator.AppendRequest.encodedBytes(of: record.headers)
        let result = withSerialized(record) { key, value -> AttemptResult in
            if let tooLarge = sizeViolation(keyCount: key?.count, valueCount: value?.count, headersBytes: headersBytes) {
                return .failure(tooLarge)
            }
            guard let choice = partitionChoice(record, key: key, value: value) else { return .success(.needsMetadata) }
            let request = RecordAccumulator.AppendRequest(
                topic: record.topic, choice: choice, key: key, value: value, headers: record.headers,
                headersBytes: headersBytes, timestamp: timestamp,
                nowNanos: nowNanos, storesCompletion: callback != nil || hasInterceptors,
                callback: callback)
            return .success(accumulator.append(request, reserved: &reserved))
        }
        return try result.get()
    }

    /// The error for a record whose batch (header included) would exceed `max.request.size` or
    /// `buffer.memory`; nil when it fits.
    @usableFromInline
    func sizeViolation(keyCount: Int?, valueCount: Int?, headersBytes: Int) -> ProducerError? {
        let recordBytes =
            RecordBatchHeader.size
            + ProducerBatch.maximumRecordBytes(keyCount: keyCount, valueCount: valueCount, headersBytes: headersBytes)
        if recordBytes > config.maxRequestSizeBytes {
            return .recordTooLarge(size: recordBytes, limit: config.maxRequestSizeBytes, key: "max.request.size")
        }
        if recordBytes > config.bufferMemoryBytes {
            return .recordTooLarge(size: recordBytes, limit: config.bufferMemoryBytes, key: "buffer.memory")
        }
        return nil
    }

    /// The partition decision made outside the lock: explicit, murmur2 of the key, a custom partitioner's
    /// choice, or sticky. nil when a custom partitioner needs the partition count and metadata is missing.
    @inlinable
    func partitionChoice(
        _ record: ProducerRecord<Key, Value>, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?
    ) -> PartitionChoice? {
        if let partition = record.partition { return .explicit(partition) }
        guard let partitioner = customPartitioner else {
            guard let key else { return .sticky }
            return .keyHash(Murmur2.toPositive(Murmur2.hash(key)))
        }
        // A custom partitioner runs outside the lock, so reading the partition count is a second acquisition.
        guard let partitionCount = accumulator.partitionCount(of: record.topic) else { return nil }
        let chosen = partitioner.partition(topic: record.topic, key: key, value: value, partitionCount: partitionCount)
        return chosen.map { .explicit($0) } ?? .sticky
    }

    /// Calls `body` with the serialized key and value (nil for a null key or value), valid during the call.
    @inlinable
    func withSerialized(
        _ record: ProducerRecord<Key, Value>,
        _ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) -> AttemptResult
    ) -> AttemptResult {
        func withValue(_ key: UnsafeRawBufferPointer?) -> AttemptResult {
            guard let value = record.value else { return body(key, nil) }
            return lendValue(value, record.topic) { body(key, $0) }
        }
        guard let key = record.key else { return withValue(nil) }
        return lendKey(key, record.topic) { withValue($0) }
    }

    /// Fetches metadata for `topic` until it has partitions, `retry.backoff.ms` apart, until the deadline
    /// (`max.block.ms`); Kafka's `waitOnMetadata`. A topic that does not exist fails only at the deadline,
    /// as in Kafka (it may be being created).
    @usableFromInline
    func awaitMetadata(topic: String, deadlineNanos: Int64) async throws(ProducerError) {
        var reason = "no answer"
        // Bounded by the deadline: every pass ends with a check against it.
        while true {
            guard !accumulator.isClosed else { throw .closed }
            do {
                let response = try await client.metadata(topics: [topic])
                accumulator.updateMetadata(response)
                if let entry = response.topics.first(where: { $0.name == topic }) {
                    if entry.errorCode == .none && !entry.partitions.isEmpty { return }
                    reason = entry.errorCode == .none ? "the topic has no partitions" : entry.errorCode.name
                } else {
                    reason = "the broker did not describe the topic"
                }
            } catch {
                reason = "\(error)"
            }
            let remainingNanos = deadlineNanos - clock.monotonicNanos()
            guard remainingNanos > 0 else {
                throw .metadataUnavailable(
                    topic: topic, reason: "\(reason) (gave up after max.block.ms = \(config.maxBlockMs) ms)")
            }
            try? await Task.sleep(for: .nanoseconds(min(config.retryBackoffMs * 1_000_000, remainingNanos)))
        }
    }
}
