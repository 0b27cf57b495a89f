/// The idempotent producer's identity from InitProducerId: stamped into every batch with its sequence.
struct ProducerIdentity: Sendable, Hashable {
    let producerId: Int64
    let producerEpoch: Int16
}
