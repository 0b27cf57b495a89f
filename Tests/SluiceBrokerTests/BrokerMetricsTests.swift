import SluiceObservability
import Testing

@testable import SluiceBroker

@Suite struct BrokerMetricsTests {
    /// A metrics object with one partition and one topic, so every labelled family has a series.
    private func populatedMetrics() -> BrokerMetrics {
        let metrics = BrokerMetrics(version: "0.1.0-test")
        _ = metrics.partition(topic: "orders", partition: 0).followerLag(replica: 2)
        _ = metrics.topic("orders")
        // Error series are made at an API's first error of each kind (the error names are not enumerated).
        metrics.recordRequest(api: "Produce", protocol: .kafka, errors: [.notLeaderOrFollower])
        return metrics
    }

    @Test func expositionDeclaresEveryCatalogueMetricWithHelpAndType() {
        let text = populatedMetrics().emit()
        for definition in BrokerMetrics.definitions {
            #expect(text.contains("# HELP \(definition.name) "), "no HELP for \(definition.name)")
            #expect(
                text.contains("# TYPE \(definition.name) \(definition.kind.rawValue)\n"),
                "no TYPE for \(definition.name)")
        }
    }

    @Test func catalogueNamesAreUniqueAndFollowConventions() {
        let names = BrokerMetrics.definitions.map(\.name)
        #expect(Set(names).count == names.count)
        for definition in BrokerMetrics.definitions {
            #expect(definition.name.hasPrefix("sluice_") || definition.name.hasPrefix("process_"))
            if definition.kind == .histogram {
                #expect(definition.name.hasSuffix("_seconds"), "\(definition.name) should be in base units")
            }
        }
    }

    @Test func requestsAreCountedPerApiAndProtocolAndErrorsPerKind() {
        let metrics = BrokerMetrics(version: "test")
        metrics.registerRequests(apis: ["Produce", "JoinGroup"], protocol: .kafka)
        var text = metrics.emit()
        #expect(text.contains(#"sluice_broker_requests_total{api="Produce",protocol="native"} 0"# + "\n"))
        #expect(text.contains(#"sluice_broker_requests_total{api="JoinGroup",protocol="kafka"} 0"# + "\n"))
        metrics.recordRequest(api: "Produce", protocol: .kafka, errors: [])
        metrics.recordRequest(api: "Produce", protocol: .kafka, errors: [.notLeaderOrFollower, .messageTooLarge])
        metrics.recordRequest(api: "Produce", protocol: .native, errors: [.notLeaderOrFollower])
        text = metrics.emit()
        #expect(text.contains(#"sluice_broker_requests_total{api="Produce",protocol="kafka"} 2"# + "\n"))
        #expect(text.contains(#"sluice_broker_requests_total{api="Produce",protocol="native"} 1"# + "\n"))
        let notLeader = #"sluice_broker_request_errors_total{api="Produce",error="NOT_LEADER_OR_FOLLOWER"} 2"#
        #expect(text.contains(notLeader + "\n"))
        #expect(text.contains(#"sluice_broker_request_errors_total{api="Produce",error="MESSAGE_TOO_LARGE"} 1"# + "\n"))
    }

    @Test func requestSeriesExistAtZeroBeforeTheFirstRequest() {
        let text = BrokerMetrics(version: "test").emit()
        for acks in ["0", "1", "all"] {
            #expect(text.contains("sluice_broker_produce_requests_total{acks=\"\(acks)\"} 0\n"))
            #expect(text.contains("sluice_broker_produce_latency_seconds_count{acks=\"\(acks)\"} 0\n"))
            #expect(text.contains("sluice_broker_produce_latency_seconds_bucket{acks=\"\(acks)\",le=\"0.00005\"} 0\n"))
        }
        for type in ["consumer", "follower"] {
            #expect(text.contains("sluice_broker_fetch_requests_total{type=\"\(type)\"} 0\n"))
        }
        #expect(text.contains("sluice_build_info{version=\"test\"} 1.0\n"))
        #expect(text.contains("sluice_log_flush_seconds_count 0\n"))
    }

    @Test func segmentDeletionSeriesExistAtZeroForEveryReasonAndCountWhenRecorded() {
        let metrics = BrokerMetrics(version: "test")
        let before = metrics.emit()
        #expect(before.contains("# HELP sluice_log_segments_deleted_total "))
        #expect(before.contains("# TYPE sluice_log_segments_deleted_bytes_total counter\n"))
        for reason in ["retention_ms", "retention_bytes", "truncation"] {
            #expect(before.contains("sluice_log_segments_deleted_total{reason=\"\(reason)\"} 0\n"), "\(reason)")
            #expect(before.contains("sluice_log_segments_deleted_bytes_total{reason=\"\(reason)\"} 0\n"), "\(reason)")
        }
        metrics.recordSegmentsDeleted(reason: .retentionBytes, segments: 3, bytes: 3_072)
        metrics.recordSegmentsDeleted(reason: .retentionBytes, segments: 1, bytes: 1_000)
        metrics.recordSegmentsDeleted(reason: .retentionMs, segments: 0, bytes: 0)
        let after = metrics.emit()
        #expect(after.contains("sluice_log_segments_deleted_total{reason=\"retention_bytes\"} 4\n"))
        #expect(after.contains("sluice_log_segments_deleted_bytes_total{reason=\"retention_bytes\"} 4072\n"))
        #expect(after.contains("sluice_log_segments_deleted_total{reason=\"retention_ms\"} 0\n"))
    }

    @Test func partitionGaugesStartAtZeroAndMoveWhenUpdated() {
        let metrics = BrokerMetrics(version: "test")
        let gauges = metrics.partition(topic: "orders", partition: 3)
        let labels = "{topic=\"orders\",partition=\"3\"}"
        let before = metrics.emit()
        for name in ["sluice_partition_log_end_offset", "sluice_partition_high_watermark", "sluice_log_size_bytes"] {
            #expect(before.contains("\(name)\(labels) 0.0\n"), "\(name) not zero at creation")
        }
        // A high watermark read after the log end offset may already be past it: no order is asserted.
        gauges.update(
            logEndOffset: 120, highWatermark: 121, logStartOffset: 7, sizeBytes: 4_096, leaderEpoch: -1, isrSize: 0,
            replicas: 0)
        let after = metrics.emit()
        #expect(after.contains("sluice_partition_log_end_offset\(labels) 120.0\n"))
        #expect(after.contains("sluice_partition_high_watermark\(labels) 121.0\n"))
        #expect(after.contains("sluice_partition_log_start_offset\(labels) 7.0\n"))
        #expect(after.contains("sluice_partition_leader_epoch\(labels) -1.0\n"))
        #expect(after.contains("sluice_log_size_bytes\(labels) 4096.0\n"))
    }

    @Test func partitionGaugesUpdateAllAtOnce() {
        let metrics = BrokerMetrics(version: "test")
        metrics.partition(topic: "t", partition: 0).update(
            logEndOffset: 50, highWatermark: 40, logStartOffset: 10, sizeBytes: 9_000, leaderEpoch: 2, isrSize: 3,
            replicas: 3
        )
        let text = metrics.emit()
        let labels = "{topic=\"t\",partition=\"0\"}"
        #expect(text.contains("sluice_partition_log_end_offset\(labels) 50.0\n"))
        #expect(text.contains("sluice_partition_high_watermark\(labels) 40.0\n"))
        #expect(text.contains("sluice_partition_log_start_offset\(labels) 10.0\n"))
        #expect(text.contains("sluice_log_size_bytes\(labels) 9000.0\n"))
        #expect(text.contains("sluice_partition_leader_epoch\(labels) 2.0\n"))
        #expect(text.contains("sluice_partition_isr_size\(labels) 3.0\n"))
        #expect(text.contains("sluice_partition_replicas\(labels) 3.0\n"))
    }

    @Test func purgatorySizeCountsWaitersInAndOut() {
        let metrics = BrokerMetrics(version: "test")
        metrics.purgatoryEntered()
        metrics.purgatoryEntered()
        metrics.purgatoryLeft()
        #expect(metrics.emit().contains("sluice_broker_produce_purgatory_size 1.0\n"))
        metrics.purgatoryLeft()
        #expect(metrics.emit().contains("sluice_broker_produce_purgatory_size 0.0\n"))
    }

    @Test func partitionAndTopicHandlesAreCreatedOnce() {
        let metrics = BrokerMetrics(version: "test")
        #expect(metrics.partition(topic: "a", partition: 1) === metrics.partition(topic: "a", partition: 1))
        #expect(metrics.partition(topic: "a", partition: 1) !== metrics.partition(topic: "a", partition: 2))
        #expect(metrics.topic("a") === metrics.topic("a"))
    }

    @Test func topicCountersCountAppendsFetchesAndRefusals() {
        let metrics = BrokerMetrics(version: "test")
        let orders = metrics.topic("orders")
        #expect(metrics.emit().contains("sluice_broker_records_in_total{topic=\"orders\"} 0\n"))
        orders.recordAppend(records: 10, bytes: 1_500)
        orders.recordAppend(records: 5, bytes: 700)
        orders.recordFetch(bytes: 2_200)
        orders.recordNotEnoughReplicas()
        let text = metrics.emit()
        #expect(text.contains("sluice_broker_records_in_total{topic=\"orders\"} 15\n"))
        #expect(text.contains("sluice_broker_bytes_in_total{topic=\"orders\"} 2200\n"))
        #expect(text.contains("sluice_broker_bytes_out_total{topic=\"orders\"} 2200\n"))
        #expect(text.contains("sluice_broker_not_enough_replicas_total{topic=\"orders\"} 1\n"))
    }

    @Test func requestLatenciesLandInTheirBuckets() {
        let metrics = BrokerMetrics(version: "test")
        metrics.recordProduceRequest(acks: .all, latency: .milliseconds(3))
        metrics.recordProduceRequest(acks: .all, latency: .seconds(20))
        metrics.recordProduceRequest(acks: .leader, latency: .microseconds(40))
        metrics.recordFetchRequest(type: .consumer, latency: .milliseconds(1))
        metrics.recordLogFlush(duration: .milliseconds(30))
        let text = metrics.emit()
        #expect(text.contains("sluice_broker_produce_requests_total{acks=\"all\"} 2\n"))
        #expect(text.contains("sluice_broker_produce_requests_total{acks=\"1\"} 1\n"))
        #expect(text.contains("sluice_broker_produce_requests_total{acks=\"0\"} 0\n"))
        // 3 ms: above the 2.5 ms bound, inside 5 ms; 20 s only in +Inf.
        #expect(text.contains("sluice_broker_produce_latency_seconds_bucket{acks=\"all\",le=\"0.0025\"} 0\n"))
        #expect(text.contains("sluice_broker_produce_latency_seconds_bucket{acks=\"all\",le=\"0.005\"} 1\n"))
        #expect(text.contains("sluice_broker_produce_latency_seconds_bucket{acks=\"all\",le=\"10.0\"} 1\n"))
        #expect(text.contains("sluice_broker_produce_latency_seconds_bucket{acks=\"all\",le=\"+Inf\"} 2\n"))
        #expect(text.contains("sluice_broker_produce_latency_seconds_bucket{acks=\"1\",le=\"0.00005\"} 1\n"))
        #expect(text.contains("sluice_broker_fetch_requests_total{type=\"consumer\"} 1\n"))
        #expect(text.contains("sluice_log_flush_seconds_bucket{le=\"0.025\"} 0\n"))
        #expect(text.contains("sluice_log_flush_seconds_bucket{le=\"0.05\"} 1\n"))
    }

    @Test func brokerGaugesFollowTheirSetters() {
        let metrics = BrokerMetrics(version: "test")
        metrics.setLeaderPartitions(6)
        metrics.setUnderReplicatedPartitions(2)
        metrics.setUnderMinISRPartitions(1)
        metrics.setProducePurgatorySize(9)
        let text = metrics.emit()
        #expect(text.contains("sluice_broker_leader_partitions 6.0\n"))
        #expect(text.contains("sluice_broker_under_replicated_partitions 2.0\n"))
        #expect(text.contains("sluice_broker_under_min_isr_partitions 1.0\n"))
        #expect(text.contains("sluice_broker_produce_purgatory_size 9.0\n"))
    }

    @Test func removedPartitionsAndTopicsLeaveTheExposition() {
        let metrics = BrokerMetrics(version: "test")
        _ = metrics.partition(topic: "gone", partition: 0)
        _ = metrics.partition(topic: "gone", partition: 1)
        _ = metrics.partition(topic: "kept", partition: 0)
        _ = metrics.topic("gone")
        metrics.removePartition(topic: "gone", partition: 1)
        var text = metrics.emit()
        #expect(!text.contains("topic=\"gone\",partition=\"1\""))
        #expect(text.contains("topic=\"gone\",partition=\"0\""))
        metrics.removeTopic("gone")
        metrics.removePartition(topic: "never-existed", partition: 9)
        text = metrics.emit()
        #expect(!text.contains("topic=\"gone\""))
        #expect(text.contains("sluice_partition_log_end_offset{topic=\"kept\",partition=\"0\"} 0.0\n"))
        // A topic created again after deletion starts from zero.
        metrics.topic("gone").recordAppend(records: 1, bytes: 1)
        #expect(metrics.emit().contains("sluice_broker_records_in_total{topic=\"gone\"} 1\n"))
    }

    @Test func anotherModulesMetricsShareTheRegistry() {
        let metrics = BrokerMetrics(version: "test")
        let other = MetricDefinition(name: "sluice_test_other_total", kind: .counter, help: "Another module's counter.")
        metrics.registry.makeCounter(other).increment(by: Int64(2))
        let text = metrics.emit()
        #expect(text.contains("sluice_test_other_total 2\n"))
        #expect(text.contains("# HELP sluice_broker_leader_partitions "))
    }

    @Test func emitIntoBufferMatchesTheStringForm() {
        let metrics = populatedMetrics()
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.contains("# TYPE sluice_broker_produce_requests_total counter\n"))
        #expect(text.hasSuffix("\n"))
    }
}
