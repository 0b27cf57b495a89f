import SluiceWire

extension BrokerMetrics {
    /// The gauges of local replica `topic`-`partition`, created zero-valued on first call (when the
    /// partition is created or loaded) and the same object on later calls. Keep it; don't look it up per
    /// request.
    public func partition(topic: String, partition: Int32) -> PartitionGauges {
        partitions.handle(TopicPartition(topic: topic, partition: partition)) {
            PartitionGauges(registry: registry, topic: topic, partition: partition)
        }
    }

    /// Removes the series of `topic`-`partition` from the exposition (replica deleted or moved away).
    /// Handles still held keep working but are no longer emitted. Unknown partitions are ignored.
    public func removePartition(topic: String, partition: Int32) {
        guard let gauges = partitions.remove(TopicPartition(topic: topic, partition: partition)) else { return }
        gauges.all.forEach(registry.unregisterGauge)
        gauges.counters.forEach(registry.unregisterCounter)
    }

    /// The counters of `topic`, created zero-valued on first call and the same object on later calls.
    public func topic(_ topic: String) -> TopicCounters {
        topics.handle(topic) {
            // The idempotence series start at zero with the topic, so rates and absence alerts work at once.
            _ = producerStateCounters(topic: topic)
            return TopicCounters(registry: registry, topic: topic)
        }
    }

    /// Removes every series of `topic` (its counters and all its partitions' gauges): the topic was deleted.
    public func removeTopic(_ topic: String) {
        if let counters = topics.remove(topic) {
            counters.all.forEach(registry.unregisterCounter)
            producerStateCounters(topic: topic).all.forEach(registry.unregisterCounter)
        }
        for gauges in partitions.removeAll(where: { $0.topic == topic }) {
            gauges.all.forEach(registry.unregisterGauge)
            gauges.counters.forEach(registry.unregisterCounter)
        }
    }
}
