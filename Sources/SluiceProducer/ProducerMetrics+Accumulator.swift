import SluiceObservability

extension ProducerMetrics {
    /// `sluice_producer_accumulator_bytes` and `sluice_producer_buffer_available_bytes`: the split of
    /// `buffer.memory` between batches (open, ready or in flight) and the free pool. Call after each
    /// allocation and release, with both values read under the pool's lock so they add up to `buffer.memory`.
    public func setBufferMemory(usedBytes: Int, availableBytes: Int) {
        guard isRecording else { return }
        accumulatorBytes.set(nonNegative: usedBytes)
        bufferAvailableBytes.set(nonNegative: availableBytes)
    }

    /// `sluice_producer_buffer_wait_seconds`: a `send` waited `duration` for `buffer.memory` (at most
    /// `max.block.ms`; a send that timed out observes its full wait). Only sends that waited observe it.
    public func recordBufferWait(_ duration: Duration) {
        guard isRecording else { return }
        bufferWait.record(max(duration, .zero))
    }

    /// `sluice_producer_linger_wait_seconds`: a batch was drained by the sender `duration` after it was
    /// opened (its first record's append). Call once per drained batch, next to
    /// ``recordBatchSent(reason:sizeBytes:records:)``.
    public func recordLingerWait(_ duration: Duration) {
        guard isRecording else { return }
        lingerWait.record(max(duration, .zero))
    }

    /// A batch of `records` records and `sizeBytes` bytes left the accumulator because of `reason`:
    /// `sluice_producer_batches_sent_total{reason}`, `sluice_producer_batch_size_bytes` and
    /// `sluice_producer_batch_records`. Call once per drained batch (not again when it is retried).
    public func recordBatchSent(reason: BatchSendReason, sizeBytes: Int, records: Int) {
        guard isRecording else { return }
        precondition(sizeBytes >= 0, "negative batch size \(sizeBytes)")
        precondition(records > 0, "sent batch without records: \(records)")
        batchesSent[reason].increment(by: Int64(1))
        batchSizeBytes.record(Double(sizeBytes))
        batchRecords.record(Double(records))
    }

    /// `sluice_producer_delivery_latency_seconds`: a record was acknowledged `latency` after its `send` call
    /// (for acks=0, after its batch was written). One observation per record; each takes the histogram's
    /// uncontended lock, on the acknowledgement path, not the append path.
    public func recordDeliveryLatency(_ latency: Duration) {
        guard isRecording else { return }
        deliveryLatency.record(max(latency, .zero))
    }
}
