import NIOCore
import SluiceObservability
import SluiceStorage
import SluiceWire

extension Partition {
    /// Snapshots kept on disk: the newest, and two older ones a truncation can fall back to.
    static let producerSnapshotsRetained = 3

    /// The leader append proper, under the producer lock: decide the idempotent batches, append (unless every
    /// batch is a duplicate), record the producers' new state — one atomic step per partition. Batches without
    /// a producer id pass straight through (the lock still orders them, so snapshot offsets are exact).
    func appendValidated(
        _ batches: inout ByteBuffer, validated: ValidatedBatches, leaderEpoch: Int32, nowMs: Int64
    ) throws(SluiceError) -> LeaderAppendResult {
        let outcome = producerState.withLock { state -> Result<LeaderAppendResult, IdempotentAppendError> in
            if validated.producerBatchCount > 0 {
                let check = batches.withUnsafeReadableBytes { state.check($0, batchCount: validated.batchCount) }
                switch check {
                case .refused(let error): return .failure(.refused(error))
                case .duplicate(let firstOffset, let lastOffset, let count):
                    return .success(.duplicate(firstOffset: firstOffset, lastOffset: lastOffset, batchCount: count))
                case .append: break
                }
            }
            return appendChecked(&batches, validated: validated, leaderEpoch: leaderEpoch, nowMs: nowMs, &state)
        }
        switch outcome {
        case .success(let result):
            if case .duplicate(_, _, let count) = result {
                for _ in 0..<count { metrics.producerCounters.recordDuplicateBatch() }
            }
            return result
        case .failure(let error):
            noteRefusal(error)
            throw SluiceError(error.errorCode, "\(topicPartition): \(error)")
        }
    }

    /// Writes checked batches and records their producers. A roll or flush failing after the write leaves the
    /// batches in the log (the LEO moved): they are recorded anyway, so a retry is still recognised.
    private func appendChecked(
        _ batches: inout ByteBuffer, validated: ValidatedBatches, leaderEpoch: Int32, nowMs: Int64,
        _ state: inout ProducerStateManager
    ) -> Result<LeaderAppendResult, IdempotentAppendError> {
        let logEndBefore = log.logEndOffset
        let result: Result<LeaderAppendResult, IdempotentAppendError>
        do {
            let info = try log.appendAsLeader(&batches, validated: validated, leaderEpoch: leaderEpoch, nowMs: nowMs)
            result = .success(.appended(info))
        } catch {
            result = .failure(.log(error))
        }
        let written = log.logEndOffset > logEndBefore
        assert(written || result.isFailure, "a successful append moves the log end offset")
        if written, validated.producerBatchCount > 0 {
            batches.withUnsafeReadableBytes {
                state.recordAppended($0, batchCount: validated.batchCount, timestampMs: nowMs)
            }
        }
        return result
    }

    /// Counts and reports a refused append: `sluice_broker_out_of_order_sequence_total`, `producer_fenced`.
    private func noteRefusal(_ error: IdempotentAppendError) {
        guard case .refused(let refusal) = error else { return }
        switch refusal {
        case .outOfOrderSequence:
            metrics.producerCounters.recordOutOfOrderSequence()
        case .fencedEpoch(let producerId, let producerEpoch, _):
            events.producerFenced(
                producerId: producerId, producerEpoch: producerEpoch, topic: topicPartition.topic,
                partition: topicPartition.partition)
        case .negativeEpoch:
            break
        }
    }
}

extension Result {
    /// Whether this is a failure.
    fileprivate var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
