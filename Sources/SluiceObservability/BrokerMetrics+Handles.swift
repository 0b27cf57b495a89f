extension BrokerMetrics {
    /// The gauges of local replica `topic`-`partition`, created zero-valued on first call (when the
    /// partition is created or loaded) and the same object on later calls. Keep it; don't look it up per
    /// request.
    public func partition(topic: String, partition: Int32) -> PartitionGauges {
        let key = PartitionKey(topic: topic, partition: partition)
        return partitions.withLock { gauges in
            gauges.value(forKey: key) { PartitionGauges(registry: registry, topic: topic, partition: partition) }
        }
    }

    /// Removes the series of `topic`-`partition` from the exposition (replica deleted or moved away).
    /// Handles still held keep working but are no longer emitted. Unknown partitions are ignored.
    public func removePartition(topic: String, partition: Int32) {
        let removed = partitions.withLock { $0.removeValue(forKey: PartitionKey(topic: topic, partition: partition)) }
        removed?.all.forEach(registry.unregisterGauge)
    }

    /// The counters of `topic`, created zero-valued on first call and the same object on later calls.
    public func topic(_ topic: String) -> TopicCounters {
        topics.withLock { counters in
            if let existing = counters[topic] {
                return existing
            }
            let created = TopicCounters(registry: registry, topic: topic)
            counters[topic] = created
            // The idempotence series start at zero with the topic, so rates and absence alerts work at once.
            _ = producerStateCounters(topic: topic)
            return created
        }
    }

    /// Removes every series of `topic` (its counters and all its partitions' gauges): the topic was deleted.
    public func removeTopic(_ topic: String) {
        let counters = topics.withLock { $0.removeValue(forKey: topic) }
        counters?.all.forEach(registry.unregisterCounter)
        if counters != nil { producerStateCounters(topic: topic).all.forEach(registry.unregisterCounter) }
        let gauges = partitions.withLock { all -> [PartitionGauges] in
            let matching = all.filter { $0.key.topic == topic }
            for key in matching.keys {
                all.removeValue(forKey: key)
            }
            return Array(matching.values)
        }
        for partition in gauges {
            partition.all.forEach(registry.unregisterGauge)
        }
    }
}
