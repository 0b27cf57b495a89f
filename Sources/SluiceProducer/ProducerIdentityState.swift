/// Where the sender is in getting an idempotent identity (InitProducerId).
enum ProducerIdentityState: Sendable, Hashable {
    /// Idempotence is off: batches carry no producer id or sequence.
    case disabled
    /// Needed and not asked yet (or asking again after `retryAfterNanos`).
    case needed(retryAfterNanos: Int64)
    /// InitProducerId is in flight.
    case requesting
    /// Assigned: every batch is stamped with it and a sequence.
    case assigned(ProducerIdentity)

    /// The identity to stamp, when assigned.
    var identity: ProducerIdentity? {
        guard case .assigned(let identity) = self else { return nil }
        return identity
    }

    /// Whether batches may be drained: only once the identity question is settled.
    var allowsDraining: Bool {
        switch self {
        case .disabled, .assigned: true
        case .needed, .requesting: false
        }
    }
}
