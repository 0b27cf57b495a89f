import Logging
import SluiceStorage

extension ReplicaManager {
    /// Kafka's `producer.id.expiration.ms` default: one day.
    public static let defaultProducerIdExpirationMs: Int64 = 24 * 60 * 60 * 1000

    /// Rebuilds a newly hosted partition's producer state from its snapshot and log, and logs what it found.
    func loadProducerState(_ partition: Partition) throws(StorageError) {
        let load = try partition.loadProducerState()
        let metadata: Logger.Metadata = [
            "sluice.topic": "\(partition.topicPartition.topic)",
            "sluice.partition": "\(partition.topicPartition.partition)",
            "sluice.snapshot_offset": "\(load.snapshotOffset.map(String.init) ?? "none")",
            "sluice.batches_replayed": "\(load.batchesReplayed)", "sluice.producers": "\(load.producerCount)",
        ]
        if load.snapshotsUnreadable > 0 {
            logger.warning("ignored \(load.snapshotsUnreadable) unreadable producer snapshot(s)", metadata: metadata)
        }
        if load.snapshotsBeyondLogEnd > 0 {
            logger.info(
                "dropped \(load.snapshotsBeyondLogEnd) producer snapshot(s) beyond the log end", metadata: metadata)
        }
        logger.debug("producer state loaded", metadata: metadata)
    }

    /// Logs producers the maintenance pass expired (`producer.id.expiration.ms`).
    func logExpiredProducers(_ expired: Int, _ partition: Partition) {
        logger.info(
            "expired \(expired) idle producer id(s)",
            metadata: [
                "sluice.topic": "\(partition.topicPartition.topic)",
                "sluice.partition": "\(partition.topicPartition.partition)",
            ])
    }
}
