extension RecordAccumulator {
    /// After a new producer id was assigned because the sequences broke (`identityResetRequested`):
    /// every partition's sequences restart from 0, and batches waiting for a retry — stamped with the old id
    /// and sequences — are stamped again with the new id and fresh sequences, in deque order. Nothing is in
    /// flight then (the sender waits for that before asking), so no answer can refer to the old sequences.
    /// Returns whether a reset was pending.
    @discardableResult
    func resetSequences(for identity: ProducerIdentity) -> Bool {
        state.withLock { state -> Bool in
            guard state.identityResetRequested else { return false }
            state.identityResetRequested = false
            for queue in state.drainOrder {
                assert(queue.inFlightBatches == 0, "sequences reset with batches in flight for \(queue.topicPartition)")
                var sequence: Int32 = 0
                for index in queue.sealed.indices where queue.sealed[index].isFinished {
                    queue.sealed[index].restamp(
                        producerId: identity.producerId, producerEpoch: identity.producerEpoch, baseSequence: sequence)
                    sequence = DeliveryDecision.wrappingAdd(sequence, queue.sealed[index].recordCount)
                }
                queue.nextSequence = sequence
                queue.nextAcknowledgedSequence = 0
            }
            return true
        }
    }
}
