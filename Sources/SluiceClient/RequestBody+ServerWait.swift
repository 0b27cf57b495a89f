import SluiceWire

extension RequestBody {
    /// How long, in ms, the broker may legitimately hold this request before answering: a fetch's
    /// `maxWaitMs` (long poll), a produce's `timeoutMs` (acks=all waits for the ISR), an admin request's
    /// `timeoutMs`. The client's request timeout runs on top of it.
    var serverWaitMs: Int64 {
        switch self {
        case .fetch(let request): Int64(max(0, request.maxWaitMs))
        case .produce(let request): Int64(max(0, request.timeoutMs))
        case .createTopics(let request): Int64(max(0, request.timeoutMs))
        case .deleteTopics(let request): Int64(max(0, request.timeoutMs))
        default: 0
        }
    }
}
