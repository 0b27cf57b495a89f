import SluiceWire

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
        if dropped > 0 { logger.warning("broker \(brokerId) stopped leading \(dropped) partition(s): \(reason)") }
        return dropped
    }
}
