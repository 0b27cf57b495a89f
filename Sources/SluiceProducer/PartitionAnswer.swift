import SluiceClient
import SluiceWire

/// One partition's part of a produce answer, as the sender applies it to that partition's batch.
struct PartitionAnswer: Sendable, Hashable {
    var errorCode: ErrorCode
    var message: String
    /// The offset of the batch's first record; -1 unknown (acks=0, errors).
    var baseOffset: Int64

    /// The answers for `batches` (in their order) in a produce `response`: a frame-level error applies to
    /// all of them; a partition missing from the body is UNKNOWN_SERVER_ERROR.
    static func answers(in response: Response, for batches: [ProducerBatch]) -> [PartitionAnswer] {
        guard response.errorCode == .none else {
            let answer = PartitionAnswer(errorCode: response.errorCode, message: response.errorMessage, baseOffset: -1)
            return Array(repeating: answer, count: batches.count)
        }
        guard case .produce(let produce) = response.body else {
            let answer = PartitionAnswer(
                errorCode: .unknownServerError, message: "the broker answered Produce with another response type",
                baseOffset: -1)
            return Array(repeating: answer, count: batches.count)
        }
        return batches.map { batch in
            let topic = produce.topics.first { $0.name == batch.topicPartition.topic }
            guard let partition = topic?.partitions.first(where: { $0.partition == batch.topicPartition.partition })
            else {
                return PartitionAnswer(
                    errorCode: .unknownServerError,
                    message: "the Produce response has no result for \(batch.topicPartition)",
                    baseOffset: -1)
            }
            return PartitionAnswer(
                errorCode: partition.errorCode, message: partition.errorMessage, baseOffset: partition.baseOffset)
        }
    }

    /// Whether the code means the leader may have moved (refresh metadata before retrying).
    static func meansStaleMetadata(_ code: ErrorCode) -> Bool {
        switch code {
        case .notLeaderOrFollower, .unknownTopicOrPartition, .leaderNotAvailable, .fencedLeaderEpoch,
            .unknownLeaderEpoch, .networkException, .requestTimedOut:
            true
        default:
            false
        }
    }
}
