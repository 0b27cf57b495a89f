import SluiceWire

extension ProducerMetrics {
    /// The accumulator gauges of `topic`-`partition`
    /// (`sluice_producer_accumulator_batches`/`_records{topic,partition}`), created zero-valued on the first
    /// call and the same object on later calls. Keep it with the partition's deque; don't look it up per
    /// record.
    public func partition(topic: String, partition: Int32) -> ProducerPartitionGauges {
        partitions.handle(TopicPartition(topic: topic, partition: partition)) {
            ProducerPartitionGauges(registry: registry, topic: topic, partition: partition, recording: isRecording)
        }
    }

    /// The record counters of `topic` (`sluice_producer_records_sent_total`, `_record_retries_total`,
    /// `_record_errors_total`), created on the first call (sent and retries at zero) and the same object on
    /// later calls.
    public func topic(_ topic: String) -> ProducerTopicCounters {
        topics.handle(topic) { ProducerTopicCounters(registry: registry, topic: topic, recording: isRecording) }
    }

    /// The request metrics of broker `id` (`sluice_producer_request_latency_seconds{broker}`,
    /// `sluice_producer_in_flight_requests{broker}`), created zero-valued on the first call and the same
    /// object on later calls. Keep it with the connection.
    public func broker(_ id: Int32) -> ProducerBrokerMetrics {
        brokers.handle(id) { ProducerBrokerMetrics(registry: registry, brokerID: id, recording: isRecording) }
    }

    /// Removes the series of `topic` (its counters and all its partitions' accumulator gauges) from the
    /// exposition: the producer forgot the topic (metadata expired, topic deleted). Handles still held keep
    /// working but are no longer emitted; a later ``topic(_:)`` starts from zero.
    public func removeTopic(_ topic: String) {
        topics.remove(topic)?.all.forEach(registry.unregisterCounter)
        for gauges in partitions.removeAll(where: { $0.topic == topic }) {
            gauges.all.forEach(registry.unregisterGauge)
        }
    }
}
