import SluiceObservability

extension BrokerMetrics {
    /// A produce request with `acks` was answered (or, for acks=0, finished) `latency` after it arrived:
    /// `sluice_broker_produce_requests_total{acks}` and `sluice_broker_produce_latency_seconds{acks}`.
    public func recordProduceRequest(acks: ProduceAcks, latency: Duration) {
        produceRequests[acks].record(latency)
    }

    /// A fetch request from a `type` requester was answered `latency` after it arrived:
    /// `sluice_broker_fetch_requests_total{type}` and `sluice_broker_fetch_latency_seconds{type}`.
    public func recordFetchRequest(type: FetchRequestType, latency: Duration) {
        fetchRequests[type].record(latency)
    }

    /// One log flush (fsync) took `duration`: `sluice_log_flush_seconds`.
    public func recordLogFlush(duration: Duration) {
        logFlushDuration.record(max(duration, .zero))
    }

    /// An acks=all request started waiting for the high watermark: `sluice_broker_produce_purgatory_size`
    /// goes up by one. Pair every call with ``purgatoryLeft()`` (e.g. in a `defer`).
    public func purgatoryEntered() {
        producePurgatorySize.increment(by: 1)
    }

    /// An acks=all request stopped waiting (replicated, timed out or cancelled): the purgatory size goes down
    /// by one.
    public func purgatoryLeft() {
        producePurgatorySize.decrement(by: 1)
    }

    /// `sluice_broker_produce_purgatory_size`: acks=all requests now waiting for the high watermark. For an
    /// owner that counts waiters itself; do not mix with ``purgatoryEntered()`` and ``purgatoryLeft()``.
    public func setProducePurgatorySize(_ count: Int) {
        producePurgatorySize.set(nonNegative: count)
    }

    /// `sluice_broker_leader_partitions`: partitions this broker leads now.
    public func setLeaderPartitions(_ count: Int) {
        leaderPartitions.set(nonNegative: count)
    }

    /// `sluice_broker_under_replicated_partitions`: led partitions whose ISR is smaller than their replicas.
    public func setUnderReplicatedPartitions(_ count: Int) {
        underReplicatedPartitions.set(nonNegative: count)
    }

    /// `sluice_broker_under_min_isr_partitions`: led partitions whose ISR is below `min.insync.replicas`.
    public func setUnderMinISRPartitions(_ count: Int) {
        underMinISRPartitions.set(nonNegative: count)
    }
}
