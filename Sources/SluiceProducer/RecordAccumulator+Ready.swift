import SluiceClient

extension RecordAccumulator {
    /// Which leader nodes have a sendable batch now, and how long until another batch may become sendable
    /// (Kafka's `RecordAccumulator.ready`). Each head batch is judged by the pure `BatchReadiness.evaluate`;
    /// partitions whose ordering forbids a send now (`isDrainable`) are skipped — an answer wakes the sender
    /// for them. A partition without a known leader puts its topic in `unknownLeaderTopics`.
    ///
    /// `sequencing`: the producer stamps idempotent sequences (retries must go in order).
    func ready(nowMs: Int64, sequencing: Bool) -> ReadyCheck {
        let pressure = BatchReadiness.Pressure(isMemoryExhausted: pool.hasWaiters)
        return state.withLock { state -> ReadyCheck in
            var check = ReadyCheck()
            check.identityResetRequested = state.identityResetRequested
            var pressure = pressure
            pressure.isFlushing = state.flushesInProgress > 0
            pressure.isClosing = state.isClosing
            for queue in state.drainOrder {
                guard let head = Self.headFacts(queue) else { continue }
                check.checkAgain(afterMs: head.openedMs + settings.deliveryTimeoutMs - nowMs)
                guard let leader = leader(of: queue.topicPartition, in: state) else {
                    check.unknownLeaderTopics.insert(queue.topicPartition.topic)
                    continue
                }
                guard !check.readyNodes.contains(leader),
                    Self.isDrainable(queue, sequencing: sequencing, maxInFlight: settings.maxInFlightPerPartition)
                else { continue }
                switch BatchReadiness.evaluate(
                    head, nowMs: nowMs, lingerMs: settings.lingerMs, retryBackoffMs: settings.retryBackoffMs,
                    pressure: pressure)
                {
                case .ready: check.readyNodes.insert(leader)
                case .waiting(let delayMs): check.checkAgain(afterMs: delayMs)
                }
            }
            return check
        }
    }
}
