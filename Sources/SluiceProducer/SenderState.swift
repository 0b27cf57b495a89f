import SluiceObservability

/// The sender loop's own state: touched only by its single task, so it needs no lock.
struct SenderState {
    /// Bound: one per broker node the producer sends to.
    var connections: [Int32: NodeConnection] = [:]
    var brokerMetrics: [Int32: ProducerBrokerMetrics] = [:]
    var topicCounters: [String: ProducerTopicCounters] = [:]
    /// Bound: nodes × max.in.flight.requests.per.connection.
    var inFlight: [UInt64: InFlightRequest] = [:]
    var inFlightPerNode: [Int32: Int] = [:]
    var nextRequestId: UInt64 = 0
    var identity: ProducerIdentityState
    var isMetadataRefreshRunning = false
    /// A broker answer said leaders moved; refresh at the next chance.
    var isMetadataStale = false
    var lastMetadataAttemptNanos: Int64 = .min / 2
    var lastMetadataSuccessNanos: Int64
    /// Connect failures in a row per node since its last successful connect: the first is logged as a
    /// warning, the rest at debug level, so a broker that is down costs one warning, not ten a second.
    var connectFailures: [Int32: Int] = [:]
    /// The last connect failure per node (`NETWORK_EXCEPTION: cannot connect to …`) since its last successful
    /// connect: the last error of a batch that expires unsent because its leader could not be reached.
    var lastConnectError: [Int32: String] = [:]
    /// Earliest monotonic time some backoff ends (reconnect, metadata, InitProducerId): bounds the sleep.
    var wakeAtNanos: Int64?

    init(identity: ProducerIdentityState, nowNanos: Int64) {
        self.identity = identity
        self.lastMetadataSuccessNanos = nowNanos
    }

    /// Lowers `wakeAtNanos` to `nanos` when that is earlier.
    mutating func wake(atNanos nanos: Int64) {
        wakeAtNanos = min(wakeAtNanos ?? nanos, nanos)
    }
}
