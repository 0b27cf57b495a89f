import SluiceWire
import Synchronization

extension ReplicaManager {
    /// The broker's metadata session is gone: another broker may be elected leader of any partition led here, so
    /// every led partition goes offline at its current leader epoch at once — produce answers
    /// NOT_LEADER_OR_FOLLOWER and parked acks=all requests end — until the metadata gives the role back
    /// (``MetadataListener/reapplyRoles()`` after registering again). Returns how many leaderships were dropped.
    public func dropLeadership(reason: String) -> Int {
        var dropped = 0
        for partition in allPartitions where partition.isLeader {
            do {
                if try partition.makeOffline(leaderEpoch: partition.leaderEpoch) { dropped += 1 }
            } catch {
                // An epoch older than its own cannot be asked for: it is the partition's own epoch.
                preconditionFailure("dropping leadership at the partition's own epoch was refused: \(error)")
            }
        }
        publishBrokerGauges()
        roleChangeSignal.signal()
        if dropped > 0 { logger.warning("broker \(brokerId) stopped leading \(dropped) partition(s): \(reason)") }
        return dropped
    }

    /// Runs `work` on the I/O pool (fsyncs, checkpoint writes) and returns its result; inline without a pool.
    func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard let blockingIO else { return try work() }
        let box = Mutex<Result<T, any Error>?>(nil)
        await blockingIO.run { box.withLock { $0 = Result { try work() } } }
        return try box.withLock { $0! }.get()
    }
}
