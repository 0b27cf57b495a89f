import Prometheus
import SluiceWire
import SluiceObservability

extension BrokerMetrics {
    /// Makes the zero-valued `sluice_broker_requests_total` series of `apis` on `protocol`, so rates and panels
    /// have data before the first request (the native APIs at init; the server adds the Kafka ones).
    public func registerRequests(apis: [String], protocol: RequestProtocol) {
        for api in apis { _ = requestCounter(api: api, protocol: `protocol`) }
    }

    /// One request of `api` on `protocol` was answered; `errors` are the distinct error codes of its response:
    /// `sluice_broker_requests_total{api,protocol}` and `sluice_broker_request_errors_total{api,error}`. One lock
    /// per request and per error (a handle lookup), none per record.
    public func recordRequest(api: String, protocol: RequestProtocol, errors: Set<ErrorCode>) {
        requestCounter(api: api, protocol: `protocol`).increment()
        for error in errors {
            requestErrors.handle("\(api)\u{0}\(error.name)") {
                registry.makeCounter(.brokerRequestErrors, labelValues: [api, error.name])
            }.increment()
        }
    }

    private func requestCounter(api: String, protocol: RequestProtocol) -> Prometheus.Counter {
        requestCounts.handle("\(api)\u{0}\(`protocol`.rawValue)") {
            registry.makeCounter(.brokerRequests, labelValues: [api, `protocol`.rawValue])
        }
    }

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
