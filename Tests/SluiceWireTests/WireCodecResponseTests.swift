import NIOCore
import SluiceWire
import Testing

@Suite struct WireCodecResponseTests {
    /// Encodes and decodes `body` in a frame with a non-trivial envelope, checking the envelope.
    static func roundTrip(
        _ body: ResponseBody, errorCode: ErrorCode = .notLeaderOrFollower,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ResponseBody {
        let response = Response(correlationId: Int32.max, errorCode: errorCode, errorMessage: "partial ✓", body: body)
        let decoded = try WireCodec.decodeResponse(WireCodec.encode(response))
        #expect(decoded.correlationId == Int32.max, sourceLocation: sourceLocation)
        #expect(decoded.errorCode == errorCode, sourceLocation: sourceLocation)
        #expect(decoded.errorMessage == "partial ✓", sourceLocation: sourceLocation)
        return decoded.body
    }

    static let brokers = [
        BrokerInfo(nodeId: 1, host: "broker-1.example", port: 9092),
        BrokerInfo(nodeId: 2, host: "10.0.0.2", port: 19_092),
    ]

    @Test func noBodyRoundTripsWithTheFrameError() throws {
        let body = try Self.roundTrip(.none, errorCode: .invalidRequest)
        guard case .none = body else {
            Issue.record("expected no body, got \(body)")
            return
        }
    }

    @Test func emptyResponseEncodesToNothingAndDecodesBack() throws {
        let encoded = WireCodec.encode(Response(correlationId: 0, body: .none))
        #expect(encoded.readableBytes == 0)
        let decoded = try WireCodec.decodeResponse(encoded)
        #expect(decoded.correlationId == 0)
        #expect(decoded.errorCode == .none)
    }

    @Test func metadataRoundTrips() throws {
        let response = MetadataResponse(
            brokers: Self.brokers, clusterId: "cluster-Ω", controllerId: 2,
            topics: [
                TopicMetadata(
                    name: "orders",
                    partitions: [
                        PartitionMetadata(partition: 0, leader: 1, leaderEpoch: 5, replicas: [1, 2, 3], isr: [1, 2]),
                        PartitionMetadata(
                            errorCode: .leaderNotAvailable, partition: 1, leader: -1, leaderEpoch: -1, replicas: [2],
                            isr: []),
                    ]),
                TopicMetadata(errorCode: .unknownTopicOrPartition, name: "missing", partitions: []),
            ])
        guard case .metadata(let decoded) = try Self.roundTrip(.metadata(response)) else { return }
        #expect(decoded == response)
    }

    @Test func createAndDeleteTopicsRoundTripAsTheirOwnCases() throws {
        let results = TopicResultsResponse(topics: [
            TopicResult(name: "orders"),
            TopicResult(name: "dupe", errorCode: .topicAlreadyExists, errorMessage: "Topic 'dupe' already exists."),
            TopicResult(name: "bad", errorCode: .invalidReplicationFactor, errorMessage: ""),
        ])
        guard case .createTopics(let created) = try Self.roundTrip(.createTopics(results)) else {
            Issue.record("createTopics came back as another case")
            return
        }
        #expect(created == results)
        guard case .deleteTopics(let deleted) = try Self.roundTrip(.deleteTopics(results)) else {
            Issue.record("deleteTopics came back as another case")
            return
        }
        #expect(deleted == results)
    }

    @Test func describeClusterRoundTrips() throws {
        let response = DescribeClusterResponse(
            clusterId: "abc", controllerId: -1, brokers: Self.brokers, metadataStore: "etcd://127.0.0.1:2379")
        guard case .describeCluster(let decoded) = try Self.roundTrip(.describeCluster(response)) else { return }
        #expect(decoded == response)
    }

    static let describeTopics = DescribeTopicsResponse(topics: [
        TopicDescription(
            name: "orders",
            partitions: [
                PartitionDescription(
                    partition: 0, leader: 1, leaderEpoch: 3, replicas: [1, 2, 3], isr: [1, 3], logStartOffset: 10,
                    logEndOffset: 2_000, highWatermark: 1_990, sizeBytes: 1 << 40),
                PartitionDescription(
                    partition: 1, errorCode: .kafkaStorageError, leader: -1, leaderEpoch: -1, replicas: [], isr: [],
                    logStartOffset: -1, logEndOffset: -1, highWatermark: -1, sizeBytes: 0),
            ],
            configs: ["retention.ms": "604800000", "cleanup.policy": "delete", "min.insync.replicas": "2"]),
        TopicDescription(name: "gone", errorCode: .unknownTopicOrPartition, partitions: []),
    ])

    @Test func describeTopicsRoundTrips() throws {
        guard case .describeTopics(let decoded) = try Self.roundTrip(.describeTopics(Self.describeTopics)) else {
            return
        }
        #expect(decoded == Self.describeTopics)
    }

    @Test func describeTopicsConfigsEncodeInSortedKeyOrder() {
        var reordered = Self.describeTopics
        var configs: [String: String] = [:]
        configs.reserveCapacity(64)  // a different capacity usually iterates in a different order
        for (key, value) in Self.describeTopics.topics[0].configs.reversed() { configs[key] = value }
        reordered.topics[0].configs = configs
        let first = WireCodec.encode(Response(correlationId: 1, body: .describeTopics(Self.describeTopics)))
        let second = WireCodec.encode(Response(correlationId: 1, body: .describeTopics(reordered)))
        #expect(first == second)
        let bytes = Array(first.readableBytesView)
        let positions = ["cleanup.policy", "min.insync.replicas", "retention.ms"].map { key in
            bytes.firstRange(of: Array(key.utf8))?.lowerBound ?? -1
        }
        #expect(positions.allSatisfy { $0 >= 0 })
        #expect(positions == positions.sorted())
    }

    @Test func produceRoundTrips() throws {
        let response = ProduceResponse(topics: [
            ProduceTopicResponse(
                name: "orders",
                partitions: [
                    ProducePartitionResponse(partition: 0, baseOffset: 1_000, logAppendTimeMs: -1, logStartOffset: 0),
                    ProducePartitionResponse(
                        partition: 1, errorCode: .notEnoughReplicas, errorMessage: "ISR 1 < min.insync.replicas 2"),
                ]),
            ProduceTopicResponse(
                name: "payments",
                partitions: [ProducePartitionResponse(partition: 4, errorCode: .outOfOrderSequenceNumber)]),
        ])
        guard case .produce(let decoded) = try Self.roundTrip(.produce(response)) else { return }
        #expect(decoded == response)
    }

    @Test func fetchRoundTripsStoredBatchesAndAPartialTail() throws {
        var cut = Fixtures.twoBatches(prefix: "cut")
        cut.moveWriterIndex(to: cut.writerIndex - 5)  // the last batch cut at the byte limit
        let response = FetchResponse(topics: [
            FetchTopicResponse(
                name: "orders",
                partitions: [
                    FetchPartitionResponse(
                        partition: 0, highWatermark: 5, logStartOffset: 0, logEndOffset: 6,
                        records: Fixtures.batch(prefix: "f0", count: 5)),
                    FetchPartitionResponse(
                        partition: 1, highWatermark: 9, logStartOffset: 2, logEndOffset: 9, records: cut),
                    FetchPartitionResponse(partition: 2, errorCode: .offsetOutOfRange),
                ]),
            FetchTopicResponse(name: "empty", partitions: []),
        ])
        guard case .fetch(let decoded) = try Self.roundTrip(.fetch(response)) else { return }
        expectSame(decoded, response)
        let records = try decoded.topics[0].partitions[0].records.withUnsafeReadableBytes {
            try RecordBatchReader.records(in: $0).records
        }
        #expect(records.count == 5)
    }

    @Test func listOffsetsRoundTrips() throws {
        let response = ListOffsetsResponse(topics: [
            ListOffsetsTopicResponse(
                name: "orders",
                partitions: [
                    ListOffsetsPartitionResponse(
                        partition: 0, timestamp: 1_700_000_000_000, offset: 42, leaderEpoch: 3),
                    ListOffsetsPartitionResponse(partition: 1, errorCode: .notLeaderOrFollower),
                ])
        ])
        guard case .listOffsets(let decoded) = try Self.roundTrip(.listOffsets(response)) else { return }
        #expect(decoded == response)
    }

    @Test func initProducerIdRoundTripsEpochExtremes() throws {
        for epoch: Int16 in [0, -1, Int16.max, Int16.min] {
            let response = InitProducerIdResponse(producerId: Int64.max - 1, producerEpoch: epoch)
            guard case .initProducerId(let decoded) = try Self.roundTrip(.initProducerId(response)) else { return }
            #expect(decoded == response)
        }
    }

    @Test func offsetForLeaderEpochRoundTrips() throws {
        let response = OffsetForLeaderEpochResponse(topics: [
            OffsetForLeaderEpochTopicResponse(
                name: "orders",
                partitions: [
                    OffsetForLeaderEpochPartitionResponse(partition: 0, leaderEpoch: 4, endOffset: 1_234),
                    OffsetForLeaderEpochPartitionResponse(
                        partition: 1, errorCode: .fencedLeaderEpoch, leaderEpoch: -1, endOffset: -1),
                ])
        ])
        guard case .offsetForLeaderEpoch(let decoded) = try Self.roundTrip(.offsetForLeaderEpoch(response)) else {
            return
        }
        #expect(decoded == response)
    }

    @Test func everyErrorCodeSurvivesTheFrame() throws {
        for code in ErrorCode.allCases {
            let decoded = try WireCodec.decodeResponse(
                WireCodec.encode(Response(correlationId: 1, errorCode: code, body: .none)))
            #expect(decoded.errorCode == code)
        }
    }
}
