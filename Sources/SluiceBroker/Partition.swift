import Logging
import NIOCore
import SluiceObservability
import SluiceStorage
import SluiceWire
import Synchronization

/// One partition replica on this broker: its log, its replication state and its metrics.
///
/// The produce path calls `appendAsLeader` synchronously on the request's task: one lock for the
/// replica state check, the CRC pass outside any lock, then the producer lock (idempotence check, append,
/// producer-state update as one step) around the log's own lock for the write; no actor hop and no
/// per-record work. Lock order: `producerSnapshots` → `producerState` → the log's locks.
public final class Partition: Sendable {
    public let topicPartition: TopicPartition
    public let log: PartitionLog
    let localBrokerId: Int32
    let minInsyncReplicas: Int
    let metrics: PartitionMetrics
    private let replicaState: Mutex<ReplicaState>
    /// Signalled whenever the high watermark advances (acks=all waiters, fetch long-polls).
    let highWatermarkAdvanced = AsyncSignal()
    /// The broker-wide signal for fetches waiting on any partition.
    let dataArrived: AsyncSignal
    /// Idempotent producers' state; held across check + append + update of every leader append.
    let producerState = Mutex(ProducerStateManager())
    /// Offset of the newest producer snapshot on disk (-1: none); held by snapshot writers and reloads.
    let producerSnapshots = Mutex<Int64>(-1)
    /// `producer_fenced` goes here.
    let events: EventEmitter

    init(
        topicPartition: TopicPartition, log: PartitionLog, state: ReplicaState, localBrokerId: Int32,
        minInsyncReplicas: Int, metrics: PartitionMetrics, dataArrived: AsyncSignal, events: EventEmitter
    ) {
        self.dataArrived = dataArrived
        self.events = events
        self.topicPartition = topicPartition
        self.log = log
        self.localBrokerId = localBrokerId
        self.minInsyncReplicas = minInsyncReplicas
        self.metrics = metrics
        self.replicaState = Mutex(state)
        publishGauges()
    }

    var isLeader: Bool { replicaState.withLock { $0.leader == localBrokerId } }
    var leaderEpoch: Int32 { replicaState.withLock { $0.leaderEpoch } }
    var isr: [Int32] { replicaState.withLock { $0.isr } }
    var replicas: [Int32] { replicaState.withLock { $0.replicas } }
    var leader: Int32 { replicaState.withLock { $0.leader } }

    /// Appends batches as received (validated, stamped in place) if this broker leads the partition;
    /// idempotent producers' batches are checked first (duplicates answered, gaps and fenced epochs refused).
    ///
    /// acks=all with ISR smaller than `min.insync.replicas` is refused before the append
    /// (NOT_ENOUGH_REPLICAS), as Kafka does.
    func appendAsLeader(
        _ batches: inout ByteBuffer, acks: Int16, nowMs: Int64
    ) throws(SluiceError) -> LeaderAppendResult {
        let (leaderEpoch, isrSize) = try replicaState.withLock { state throws(SluiceError) -> (Int32, Int) in
            guard state.leader == localBrokerId else {
                throw SluiceError(.notLeaderOrFollower, "broker \(localBrokerId) is not the leader of \(topicPartition)")
            }
            return (state.leaderEpoch, state.isr.count)
        }
        if acks == -1, isrSize < minInsyncReplicas {
            throw SluiceError(
                .notEnoughReplicas,
                "\(topicPartition) has \(isrSize) in-sync replicas, min.insync.replicas is \(minInsyncReplicas)")
        }
        let validated: ValidatedBatches
        do { validated = try log.validateForAppend(batches) } catch {
            throw SluiceError(error.errorCode, "\(topicPartition): \(error)")
        }
        let result = try appendValidated(&batches, validated: validated, leaderEpoch: leaderEpoch, nowMs: nowMs)
        maybeIncrementHighWatermark()
        return result
    }

    /// Recomputes HW from the ISR's log end offsets; signals waiters when it moved.
    func maybeIncrementHighWatermark() {
        let logEndOffset = log.logEndOffset
        let candidate = replicaState.withLock {
            $0.highWatermarkCandidate(leaderLogEndOffset: logEndOffset, localBrokerId: localBrokerId)
        }
        if candidate > log.highWatermark {
            _ = log.updateHighWatermark(candidate)
            highWatermarkAdvanced.signal()
            dataArrived.signal()
        }
        publishGauges()
    }

    /// Waits until HW reaches `offset` or `timeout` passes; true when reached.
    func awaitHighWatermark(atLeast offset: Int64, timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let observed = highWatermarkAdvanced.generation
            if log.highWatermark >= offset { return true }
            let now = clock.now
            guard now < deadline, !Task.isCancelled else { return false }
            await highWatermarkAdvanced.wait(after: observed, timeout: now.duration(to: deadline))
        }
    }

    /// Updates this partition's gauges from the log and replica state.
    func publishGauges() {
        let state = replicaState.withLock { $0 }
        metrics.update(
            logEndOffset: log.logEndOffset, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset,
            sizeBytes: log.sizeBytes, leaderEpoch: state.leaderEpoch,
            isrSize: state.leader == localBrokerId ? state.isr.count : 0,
            replicas: state.leader == localBrokerId ? state.replicas.count : 0)
    }

    /// The description `topics describe` shows.
    func describe() -> PartitionDescription {
        let state = replicaState.withLock { $0 }
        return PartitionDescription(
            partition: topicPartition.partition, leader: state.leader, leaderEpoch: state.leaderEpoch,
            replicas: state.replicas, isr: state.isr, logStartOffset: log.logStartOffset,
            logEndOffset: log.logEndOffset, highWatermark: log.highWatermark, sizeBytes: log.sizeBytes)
    }
}
