/// The idempotence decision for all the batches one produce request carries for one partition, made before
/// any of them is appended.
enum ProducerAppendCheck: Sendable, Hashable {
    /// Append them all (every idempotent batch continues its producer's sequence).
    case append
    /// Every batch was appended before: answer with the original offsets, append nothing.
    case duplicate(firstOffset: Int64, lastOffset: Int64, batchCount: Int)
    /// Refuse the whole request.
    case refused(ProducerStateError)
}
