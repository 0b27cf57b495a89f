import SluiceObservability
import Testing

@testable import SluiceProducer

@Suite struct ProducerMetricsTests {
    /// Producer metrics with one partition, topic (with one error) and broker, so every labelled family
    /// has a series.
    private func populate(_ metrics: ProducerMetrics = ProducerMetrics()) -> ProducerMetrics {
        _ = metrics.partition(topic: "orders", partition: 0)
        metrics.topic("orders").recordFailed(records: 1, error: "NOT_ENOUGH_REPLICAS")
        _ = metrics.broker(1)
        return metrics
    }

    @Test func expositionDeclaresEveryProducerMetricWithHelpAndType() {
        let text = populate().emit()
        for definition in ProducerMetrics.definitions {
            #expect(text.contains("# HELP \(definition.name) "), "no HELP for \(definition.name)")
            #expect(
                text.contains("# TYPE \(definition.name) \(definition.kind.rawValue)\n"),
                "no TYPE for \(definition.name)")
        }
    }

    @Test func catalogueMatchesTheObservabilityContract() {
        // observability.md's producer table, verbatim: these names are public API.
        let contract: [String: (MetricDefinition.Kind, [String])] = [
            "sluice_producer_accumulator_batches": (.gauge, ["topic", "partition"]),
            "sluice_producer_accumulator_records": (.gauge, ["topic", "partition"]),
            "sluice_producer_accumulator_bytes": (.gauge, []),
            "sluice_producer_buffer_available_bytes": (.gauge, []),
            "sluice_producer_buffer_wait_seconds": (.histogram, []),
            "sluice_producer_linger_wait_seconds": (.histogram, []),
            "sluice_producer_batches_sent_total": (.counter, ["reason"]),
            "sluice_producer_batch_size_bytes": (.histogram, []),
            "sluice_producer_batch_records": (.histogram, []),
            "sluice_producer_records_sent_total": (.counter, ["topic"]),
            "sluice_producer_record_errors_total": (.counter, ["topic", "error"]),
            "sluice_producer_record_retries_total": (.counter, ["topic"]),
            "sluice_producer_request_latency_seconds": (.histogram, ["broker"]),
            "sluice_producer_in_flight_requests": (.gauge, ["broker"]),
            "sluice_producer_delivery_latency_seconds": (.histogram, []),
        ]
        let names = ProducerMetrics.definitions.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Set(names) == Set(contract.keys))
        for definition in ProducerMetrics.definitions {
            let expected = contract[definition.name]
            #expect(expected?.0 == definition.kind, "\(definition.name) kind")
            #expect(expected?.1 == definition.labelNames, "\(definition.name) labels")
        }
    }

    @Test func unlabelledSeriesAndEveryReasonStartAtZero() {
        let text = ProducerMetrics().emit()
        for reason in ["full", "linger", "flush", "memory"] {
            #expect(text.contains("sluice_producer_batches_sent_total{reason=\"\(reason)\"} 0\n"), "\(reason)")
        }
        #expect(BatchSendReason.allCases.count == 4)
        #expect(text.contains("sluice_producer_accumulator_bytes 0.0\n"))
        #expect(text.contains("sluice_producer_buffer_available_bytes 0.0\n"))
        for histogram in [
            "sluice_producer_buffer_wait_seconds", "sluice_producer_linger_wait_seconds",
            "sluice_producer_batch_size_bytes", "sluice_producer_batch_records",
            "sluice_producer_delivery_latency_seconds",
        ] {
            #expect(text.contains("\(histogram)_count 0\n"), "\(histogram) not zero at start")
        }
        #expect(text.contains("sluice_producer_linger_wait_seconds_bucket{le=\"0.00005\"} 0\n"))
        #expect(text.contains("sluice_producer_batch_size_bytes_bucket{le=\"64.0\"} 0\n"))
        #expect(text.contains("sluice_producer_batch_records_bucket{le=\"1.0\"} 0\n"))
    }

    @Test func sentBatchesCountByReasonAndLandInSizeBuckets() {
        let metrics = ProducerMetrics()
        metrics.recordBatchSent(reason: .full, sizeBytes: 16_384, records: 16)
        metrics.recordBatchSent(reason: .full, sizeBytes: 16_000, records: 15)
        metrics.recordBatchSent(reason: .linger, sizeBytes: 100, records: 1)
        metrics.recordBatchSent(reason: .memory, sizeBytes: 20_000_000, records: 70_000)
        let text = metrics.emit()
        #expect(text.contains("sluice_producer_batches_sent_total{reason=\"full\"} 2\n"))
        #expect(text.contains("sluice_producer_batches_sent_total{reason=\"linger\"} 1\n"))
        #expect(text.contains("sluice_producer_batches_sent_total{reason=\"flush\"} 0\n"))
        #expect(text.contains("sluice_producer_batches_sent_total{reason=\"memory\"} 1\n"))
        // 100 B: above 64, inside 256. 16,000 and 16,384 B: inside 16 KiB. 20 MB: only +Inf.
        #expect(text.contains("sluice_producer_batch_size_bytes_bucket{le=\"64.0\"} 0\n"))
        #expect(text.contains("sluice_producer_batch_size_bytes_bucket{le=\"256.0\"} 1\n"))
        #expect(text.contains("sluice_producer_batch_size_bytes_bucket{le=\"16384.0\"} 3\n"))
        #expect(text.contains("sluice_producer_batch_size_bytes_bucket{le=\"16777216.0\"} 3\n"))
        #expect(text.contains("sluice_producer_batch_size_bytes_bucket{le=\"+Inf\"} 4\n"))
        #expect(text.contains("sluice_producer_batch_size_bytes_count 4\n"))
        // 1 record: first bucket; 15 and 16: inside 16; 70,000: only +Inf.
        #expect(text.contains("sluice_producer_batch_records_bucket{le=\"1.0\"} 1\n"))
        #expect(text.contains("sluice_producer_batch_records_bucket{le=\"4.0\"} 1\n"))
        #expect(text.contains("sluice_producer_batch_records_bucket{le=\"16.0\"} 3\n"))
        #expect(text.contains("sluice_producer_batch_records_bucket{le=\"65536.0\"} 3\n"))
        #expect(text.contains("sluice_producer_batch_records_sum 70032.0\n"))
    }

    @Test func bufferMemoryAndWaitsMove() {
        let metrics = ProducerMetrics()
        metrics.setBufferMemory(usedBytes: 3_000, availableBytes: 1_000)
        metrics.recordBufferWait(.milliseconds(30))
        metrics.recordLingerWait(.milliseconds(5))
        metrics.recordLingerWait(.milliseconds(50))
        metrics.recordDeliveryLatency(.milliseconds(7))
        metrics.recordDeliveryLatency(.seconds(-1))  // a clock step backwards observes zero, not a negative
        let text = metrics.emit()
        #expect(text.contains("sluice_producer_accumulator_bytes 3000.0\n"))
        #expect(text.contains("sluice_producer_buffer_available_bytes 1000.0\n"))
        #expect(text.contains("sluice_producer_buffer_wait_seconds_bucket{le=\"0.025\"} 0\n"))
        #expect(text.contains("sluice_producer_buffer_wait_seconds_bucket{le=\"0.05\"} 1\n"))
        #expect(text.contains("sluice_producer_linger_wait_seconds_bucket{le=\"0.005\"} 1\n"))
        #expect(text.contains("sluice_producer_linger_wait_seconds_bucket{le=\"0.05\"} 2\n"))
        #expect(text.contains("sluice_producer_linger_wait_seconds_count 2\n"))
        #expect(text.contains("sluice_producer_delivery_latency_seconds_bucket{le=\"0.00005\"} 1\n"))
        #expect(text.contains("sluice_producer_delivery_latency_seconds_bucket{le=\"0.01\"} 2\n"))
    }

    @Test func partitionGaugesStartAtZeroAndMoveWhenSet() {
        let metrics = ProducerMetrics()
        let gauges = metrics.partition(topic: "orders", partition: 2)
        let labels = "{topic=\"orders\",partition=\"2\"}"
        let before = metrics.emit()
        #expect(before.contains("sluice_producer_accumulator_batches\(labels) 0.0\n"))
        #expect(before.contains("sluice_producer_accumulator_records\(labels) 0.0\n"))
        gauges.update(batches: 3, records: 250)
        var text = metrics.emit()
        #expect(text.contains("sluice_producer_accumulator_batches\(labels) 3.0\n"))
        #expect(text.contains("sluice_producer_accumulator_records\(labels) 250.0\n"))
        gauges.setBatches(1)
        gauges.setRecords(10)
        text = metrics.emit()
        #expect(text.contains("sluice_producer_accumulator_batches\(labels) 1.0\n"))
        #expect(text.contains("sluice_producer_accumulator_records\(labels) 10.0\n"))
    }

    @Test func topicCountersCountSentRetriedAndFailedRecords() {
        let metrics = ProducerMetrics()
        let orders = metrics.topic("orders")
        #expect(metrics.emit().contains("sluice_producer_records_sent_total{topic=\"orders\"} 0\n"))
        #expect(metrics.emit().contains("sluice_producer_record_retries_total{topic=\"orders\"} 0\n"))
        orders.recordSent(records: 100)
        orders.recordSent(records: 20)
        orders.recordRetried(records: 5)
        orders.recordFailed(records: 3, error: "REQUEST_TIMED_OUT")
        orders.recordFailed(records: 2, error: "REQUEST_TIMED_OUT")
        orders.recordFailed(records: 1, error: "RECORD_TOO_LARGE")
        let text = metrics.emit()
        #expect(text.contains("sluice_producer_records_sent_total{topic=\"orders\"} 120\n"))
        #expect(text.contains("sluice_producer_record_retries_total{topic=\"orders\"} 5\n"))
        #expect(text.contains("sluice_producer_record_errors_total{topic=\"orders\",error=\"REQUEST_TIMED_OUT\"} 5\n"))
        #expect(text.contains("sluice_producer_record_errors_total{topic=\"orders\",error=\"RECORD_TOO_LARGE\"} 1\n"))
    }

    @Test func errorLabelsAreBoundedPerTopic() {
        let metrics = ProducerMetrics()
        let topic = metrics.topic("t")
        for index in 0..<(ProducerTopicCounters.errorLabelsMax + 10) {
            topic.recordFailed(records: 1, error: "ERROR_\(index)")
        }
        topic.recordFailed(records: 1, error: "ERROR_0")  // a known label still counts under its name
        let text = metrics.emit()
        let series = text.split(separator: "\n").filter { $0.hasPrefix("sluice_producer_record_errors_total{") }
        #expect(series.count == ProducerTopicCounters.errorLabelsMax + 1)
        #expect(text.contains("sluice_producer_record_errors_total{topic=\"t\",error=\"ERROR_0\"} 2\n"))
        #expect(text.contains("sluice_producer_record_errors_total{topic=\"t\",error=\"OTHER\"} 10\n"))
    }

    @Test func brokerMetricsTrackInFlightRequestsAndLatency() {
        let metrics = ProducerMetrics()
        let broker = metrics.broker(3)
        #expect(metrics.emit().contains("sluice_producer_in_flight_requests{broker=\"3\"} 0.0\n"))
        broker.requestSent()
        broker.requestSent()
        broker.requestSent()
        broker.requestCompleted(latency: .milliseconds(2))
        broker.requestAbandoned()
        var text = metrics.emit()
        #expect(text.contains("sluice_producer_in_flight_requests{broker=\"3\"} 1.0\n"))
        #expect(text.contains("sluice_producer_request_latency_seconds_count{broker=\"3\"} 1\n"))
        #expect(text.contains("sluice_producer_request_latency_seconds_bucket{broker=\"3\",le=\"0.001\"} 0\n"))
        #expect(text.contains("sluice_producer_request_latency_seconds_bucket{broker=\"3\",le=\"0.0025\"} 1\n"))
        broker.setInFlightRequests(4)
        broker.recordRequestLatency(.seconds(20))
        text = metrics.emit()
        #expect(text.contains("sluice_producer_in_flight_requests{broker=\"3\"} 4.0\n"))
        #expect(text.contains("sluice_producer_request_latency_seconds_bucket{broker=\"3\",le=\"+Inf\"} 2\n"))
        // Bootstrap connections have negative node ids in Kafka; they are labelled as such.
        _ = metrics.broker(-1)
        #expect(metrics.emit().contains("sluice_producer_in_flight_requests{broker=\"-1\"} 0.0\n"))
    }

    @Test func handlesAreCreatedOnce() {
        let metrics = ProducerMetrics()
        #expect(metrics.partition(topic: "a", partition: 1) === metrics.partition(topic: "a", partition: 1))
        #expect(metrics.partition(topic: "a", partition: 1) !== metrics.partition(topic: "a", partition: 2))
        #expect(metrics.topic("a") === metrics.topic("a"))
        #expect(metrics.topic("a") !== metrics.topic("b"))
        #expect(metrics.broker(1) === metrics.broker(1))
        #expect(metrics.broker(1) !== metrics.broker(2))
    }

    @Test func removedTopicsLeaveTheExpositionAndRestartFromZero() {
        let metrics = ProducerMetrics()
        metrics.partition(topic: "gone", partition: 0).update(batches: 1, records: 1)
        metrics.partition(topic: "kept", partition: 0).update(batches: 2, records: 2)
        metrics.topic("gone").recordSent(records: 9)
        metrics.topic("gone").recordFailed(records: 1, error: "UNKNOWN_TOPIC_OR_PARTITION")
        metrics.removeTopic("gone")
        metrics.removeTopic("never-existed")
        var text = metrics.emit()
        #expect(!text.contains("topic=\"gone\""))
        #expect(text.contains("sluice_producer_accumulator_batches{topic=\"kept\",partition=\"0\"} 2.0\n"))
        metrics.topic("gone").recordSent(records: 1)
        text = metrics.emit()
        #expect(text.contains("sluice_producer_records_sent_total{topic=\"gone\"} 1\n"))
    }

    @Test func sizeBucketsGrowByFourFromTheirDocumentedEnds() {
        #expect(ProducerMetrics.batchSizeBuckets.first == 64)
        #expect(ProducerMetrics.batchSizeBuckets.last == 16_777_216.0)  // 16 MiB
        #expect(ProducerMetrics.batchSizeBuckets.count == 10)
        #expect(ProducerMetrics.batchRecordsBuckets.first == 1)
        #expect(ProducerMetrics.batchRecordsBuckets.last == 65_536)
        #expect(ProducerMetrics.batchRecordsBuckets.count == 9)
        for buckets in [ProducerMetrics.batchSizeBuckets, ProducerMetrics.batchRecordsBuckets] {
            for (lower, upper) in zip(buckets, buckets.dropFirst()) {
                #expect(upper == lower * 4)
            }
        }
    }
}

/// `metrics.enabled=false`: the series stay declared and zero, nothing updates them.
@Suite struct ProducerMetricsRecordingSwitchTests {
    @Test func metricsOffKeepsSeriesDeclaredButNeverMovesThem() {
        let metrics = ProducerMetrics(recording: false)
        metrics.recordBatchSent(reason: .full, sizeBytes: 1_000, records: 10)
        metrics.recordLingerWait(.milliseconds(5))
        metrics.topic("orders").recordSent(records: 10)
        metrics.partition(topic: "orders", partition: 0).update(batches: 3, records: 30)
        let text = metrics.emit()
        #expect(text.contains("sluice_producer_batches_sent_total{reason=\"full\"} 0"))
        #expect(text.contains("sluice_producer_records_sent_total{topic=\"orders\"} 0"))
        #expect(text.contains("sluice_producer_linger_wait_seconds_count 0"))
        #expect(text.contains("sluice_producer_accumulator_batches{topic=\"orders\",partition=\"0\"} 0"))
        let recording = ProducerMetrics()
        recording.recordBatchSent(reason: .full, sizeBytes: 1_000, records: 10)
        #expect(recording.emit().contains("sluice_producer_batches_sent_total{reason=\"full\"} 1"))
    }
}
