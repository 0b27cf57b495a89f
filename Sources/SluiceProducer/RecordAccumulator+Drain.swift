import SluiceClient
import SluiceObservability

extension RecordAccumulator {
    /// Takes the sendable head batches of the partitions led by `node`, at most one per partition, until
    /// `maxRequestSizeBytes` (`max.request.size`; a single larger batch goes alone), starting where the last
    /// drain for this node stopped (Kafka's `drainBatchesForOneNode`).
    ///
    /// A batch drained for the first time gets its send reason and is finished: producer id and epoch and,
    /// with `identity`, the partition's next sequence (then advanced by its record count). A retried batch
    /// keeps its bytes. Each drained batch counts as in flight for its partition until `acknowledge`,
    /// `reenqueue` or `fail`. Unlike Kafka, a batch that is not sendable itself does not ride along with its
    /// node's sendable ones, so each batch's reason is exact and `linger.ms` holds per batch.
    func drain(node: Int32, nowNanos: Int64, identity: ProducerIdentity?) -> [ProducerBatch] {
        let nowMs = nowNanos / 1_000_000
        let pressure = BatchReadiness.Pressure(isMemoryExhausted: pool.hasWaiters)
        return state.withLock { state -> [ProducerBatch] in
            let count = state.drainOrder.count
            guard count > 0 else { return [] }
            var pressure = pressure
            pressure.isFlushing = state.flushesInProgress > 0
            pressure.isClosing = state.isClosing
            let start = (state.drainCursor[node] ?? 0) % count
            var drained: [ProducerBatch] = []
            var drainedBytes = 0
            for step in 0..<count {
                let queue = state.drainOrder[(start + step) % count]
                guard let headBytes = queue.head?.sizeBytes, let facts = Self.headFacts(queue),
                    leader(of: queue.topicPartition, in: state) == node,
                    Self.isDrainable(queue, sequencing: identity != nil, maxInFlight: settings.maxInFlightPerPartition),
                    case .ready(let reason) = BatchReadiness.evaluate(
                        facts, nowMs: nowMs, lingerMs: settings.lingerMs, retryBackoffMs: settings.retryBackoffMs,
                        pressure: pressure)
                else { continue }
                if !drained.isEmpty && drainedBytes + headBytes > settings.maxRequestSizeBytes { break }
                drained.append(take(from: queue, reason: reason, identity: identity))
                drainedBytes += headBytes
                state.drainCursor[node] = (start + step + 1) % count
            }
            return drained
        }
    }

    /// Removes the head of `queue`, finishes it on its first drain, and counts it in flight. Caller holds the lock.
    private func take(from queue: PartitionQueue, reason: BatchSendReason, identity: ProducerIdentity?) -> ProducerBatch
    {
        var batch = queue.takeHead()
        if !batch.isFinished {
            assert(batch.attempts == 0, "a retried batch was finished on its first drain")
            var sequence: Int32 = -1
            if identity != nil {
                sequence = queue.nextSequence
                // Kafka's DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Int32.max.
                queue.nextSequence = DeliveryDecision.wrappingAdd(sequence, batch.recordCount)
            }
            batch.finish(
                producerId: identity?.producerId ?? -1, producerEpoch: identity?.producerEpoch ?? -1,
                baseSequence: sequence)
        }
        if batch.sendReason == nil { batch.sendReason = reason }
        queue.queuedRecords -= Int(batch.recordCount)
        queue.inFlightBatches += 1
        assert(queue.queuedRecords >= 0, "negative queued records in \(queue.topicPartition)")
        queue.publishGauges()
        return batch
    }
}
