import SluiceClient
import SluiceObservability
import SluiceWire

extension Sender {
    /// A batch's final fate: per-record completions and interceptors (offset = base offset + index; -1 for
    /// acks=0 or unknown), the topic's sent/error counters and per-record delivery latency, then `retire`
    /// (which wakes `flush()` after the callbacks ran and returns the buffer to the pool).
    func deliver(_ batch: consuming ProducerBatch, outcome: Result<Int64, ProducerError>, state: inout SenderState) {
        let counters = topicCounters(batch.topicPartition.topic, &state)
        let topic = batch.topicPartition.topic
        let partition = batch.topicPartition.partition
        switch outcome {
        case .success(let baseOffset):
            counters.recordSent(records: Int(batch.recordCount))
            let nowNanos = clock.monotonicNanos()
            for offsetMicros in batch.sendOffsetsMicros {
                metrics.recordDeliveryLatency(.nanoseconds(nowNanos - batch.openedNanos - Int64(offsetMicros) * 1_000))
            }
            for completion in batch.completions {
                let metadata = RecordMetadata(
                    topic: topic, partition: partition,
                    offset: baseOffset < 0 ? -1 : baseOffset + Int64(completion.offsetDelta),
                    timestamp: completion.timestamp, serializedKeySize: Int(completion.serializedKeySize),
                    serializedValueSize: Int(completion.serializedValueSize))
                completion.callback?(.success(metadata))
                acknowledgementHook?(.success(metadata))
            }
        case .failure(let error):
            counters.recordFailed(records: Int(batch.recordCount), error: error.metricLabel)
            // Debug: every record's caller gets the error through its completion (and the error counter counts
            // it); a library that also logged it would print each failure twice (Kafka's sender does not log it).
            logger.debug(
                "\(batch.recordCount) records failed for good: \(error)",
                metadata: ["sluice.topic": "\(topic)", "sluice.partition": "\(partition)"])
            for completion in batch.completions {
                completion.callback?(.failure(error))
                acknowledgementHook?(.failure(error))
            }
        }
        accumulator.retire(batch)
    }

    /// Fails batches past `delivery.timeout.ms` in the deques, and those of broken idempotent partitions.
    /// Returns whether there were any.
    func failExpiredBatches(nowNanos: Int64, state: inout SenderState) -> Bool {
        var expired = Array(accumulator.expireBatches(nowNanos: nowNanos).reversed())
        let found = !expired.isEmpty
        // popLast (in expiry order) moves each batch out, so its buffer returns to the pool held once.
        while let (batch, error) = expired.popLast() {
            deliver(batch, outcome: .failure(withConnectError(error, batch.topicPartition, state)), state: &state)
        }
        return found
    }

    /// A delivery timeout of a batch that was never answered, with its leader's last connect failure as the
    /// last error (`…; last error NETWORK_EXCEPTION: cannot connect to 127.0.0.1:9092: connection refused`).
    private func withConnectError(_ error: ProducerError, _ topicPartition: TopicPartition, _ state: SenderState)
        -> ProducerError
    {
        guard case .deliveryTimeout(let ms, nil) = error else { return error }
        let leader = accumulator.leader(of: topicPartition)
        // Leader unknown (its metadata could not be fetched): a single unreachable broker is the cause.
        let lastError =
            leader.flatMap { state.lastConnectError[$0] }
            ?? (state.lastConnectError.count == 1 ? state.lastConnectError.values.first : nil)
        return .deliveryTimeout(ms: ms, lastError: lastError)
    }

    /// The end of the loop: apply answers that already arrived, fail what is still in flight or queued with
    /// `.closed`, then close the connections, the client and the event loops.
    func shutdown(_ state: inout SenderState) async {
        _ = processEvents(&state)
        let abandoned = state.inFlight.values.sorted { $0.id < $1.id }
        state.inFlight.removeAll()
        state.inFlightPerNode.removeAll()
        for request in abandoned {
            request.brokerMetrics.requestAbandoned()
            for batch in request.batches {
                deliver(accumulator.abandon(batch, error: .closed), outcome: .failure(.closed), state: &state)
            }
        }
        // A run of `send(contentsOf:)` gives its leased batches back from synchronous code, and takes no new
        // lease once the producer is closed: wait for those out now, so they are failed here too.
        while accumulator.hasOutstandingLeases { await Task.yield() }
        for batch in accumulator.takeAllQueued() { deliver(batch, outcome: .failure(.closed), state: &state) }
        for case .ready(let connection) in state.connections.values { await connection.close() }
        state.connections.removeAll()
        do {
            try await client.close()
        } catch {
            logger.debug("closing the producer's metadata client: \(error)")
        }
        do {
            try await eventLoopGroup.shutdownGracefully()
        } catch {
            logger.debug("shutting down the producer's event loops: \(error)")
        }
    }
}
