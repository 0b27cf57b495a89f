import NIOCore
import SluiceWire
import Testing

@Suite struct WireCodecRequestTests {
    /// Encodes and decodes `body` in a frame with a non-trivial envelope, checking the envelope.
    static func roundTrip(_ body: RequestBody, sourceLocation: SourceLocation = #_sourceLocation) throws -> RequestBody
    {
        let request = Request(correlationId: -123_456, clientId: "client-ü-✓", body: body)
        let decoded = try WireCodec.decodeRequest(WireCodec.encode(request))
        #expect(decoded.correlationId == -123_456, sourceLocation: sourceLocation)
        #expect(decoded.clientId == "client-ü-✓", sourceLocation: sourceLocation)
        #expect(decoded.body.apiName == body.apiName, sourceLocation: sourceLocation)
        return decoded.body
    }

    @Test func metadataForNamedTopicsRoundTrips() throws {
        let request = MetadataRequest(topics: ["orders", "payments", ""])
        guard case .metadata(let decoded) = try Self.roundTrip(.metadata(request)) else { return }
        #expect(decoded == request)
    }

    @Test func metadataForAllTopicsKeepsNilApartFromEmpty() throws {
        guard case .metadata(let all) = try Self.roundTrip(.metadata(MetadataRequest(topics: nil))) else { return }
        #expect(all.topics == nil)
        guard case .metadata(let none) = try Self.roundTrip(.metadata(MetadataRequest(topics: []))) else { return }
        #expect(none.topics == [])
    }

    @Test func createTopicsRoundTripsWithConfigsInOrder() throws {
        let request = CreateTopicsRequest(
            topics: [
                CreatableTopic(
                    name: "orders", numPartitions: 12, replicationFactor: 3,
                    configs: [("retention.ms", "86400000"), ("cleanup.policy", "delete"), ("a", "")]),
                CreatableTopic(name: "defaults"),
            ],
            timeoutMs: 15_000)
        guard case .createTopics(let decoded) = try Self.roundTrip(.createTopics(request)) else { return }
        #expect(decoded == request)
        #expect(decoded.topics[0].configs.map(\.key) == ["retention.ms", "cleanup.policy", "a"])
        #expect(decoded.topics[1].numPartitions == -1)
        #expect(decoded.topics[1].replicationFactor == -1)
    }

    @Test func deleteTopicsRoundTrips() throws {
        let request = DeleteTopicsRequest(topics: ["a", "b.c", "d_e-f"], timeoutMs: -1)
        guard case .deleteTopics(let decoded) = try Self.roundTrip(.deleteTopics(request)) else { return }
        #expect(decoded == request)
    }

    @Test func describeClusterRoundTripsDespiteAnEmptyMessage() throws {
        guard case .describeCluster = try Self.roundTrip(.describeCluster) else {
            Issue.record("expected describeCluster")
            return
        }
    }

    @Test func describeTopicsRoundTrips() throws {
        for topics in [[], ["one"], ["one", "two", "three"]] {
            let request = DescribeTopicsRequest(topics: topics)
            guard case .describeTopics(let decoded) = try Self.roundTrip(.describeTopics(request)) else { return }
            #expect(decoded == request)
        }
    }

    @Test func produceRoundTripsBatchBytesAcrossTopicsAndPartitions() throws {
        let sliced = Fixtures.batch(prefix: "sliced", count: 2)
        var prefixed = ByteBuffer(bytes: [0xDE, 0xAD])
        prefixed.writeImmutableBuffer(sliced)
        prefixed.moveReaderIndex(forwardBy: 2)  // readable bytes only: the prefix must not travel
        let request = ProduceRequest(
            acks: -1, timeoutMs: 30_000,
            topics: [
                ProduceTopicData(
                    name: "orders",
                    partitions: [
                        ProducePartitionData(partition: 0, records: Fixtures.batch(prefix: "p0", count: 5)),
                        ProducePartitionData(partition: 7, records: Fixtures.twoBatches(prefix: "p7")),
                    ]),
                ProduceTopicData(
                    name: "payments",
                    partitions: [
                        ProducePartitionData(partition: 2, records: prefixed),
                        ProducePartitionData(partition: 3, records: ByteBuffer()),
                    ]),
            ])
        guard case .produce(let decoded) = try Self.roundTrip(.produce(request)) else { return }
        expectSame(decoded, request)
        #expect(decoded.topics[1].partitions[0].records == sliced)
    }

    @Test func produceKeepsEveryAcksValue() throws {
        for acks: Int16 in [0, 1, -1, Int16.max, Int16.min] {
            let request = ProduceRequest(acks: acks, timeoutMs: 1, topics: [])
            guard case .produce(let decoded) = try Self.roundTrip(.produce(request)) else { return }
            #expect(decoded.acks == acks)
        }
    }

    @Test func fetchRoundTrips() throws {
        let request = FetchRequest(
            replicaId: 2, maxWaitMs: 250, minBytes: 1_024, maxBytes: Int32.max,
            topics: [
                FetchTopic(
                    name: "orders",
                    partitions: [
                        FetchPartition(partition: 0, fetchOffset: 0, partitionMaxBytes: 1_048_576),
                        FetchPartition(
                            partition: 1, fetchOffset: Int64.max, partitionMaxBytes: 1, currentLeaderEpoch: 9),
                    ]),
                FetchTopic(name: "empty", partitions: []),
            ])
        guard case .fetch(let decoded) = try Self.roundTrip(.fetch(request)) else { return }
        #expect(decoded == request)
    }

    @Test func listOffsetsRoundTrips() throws {
        let request = ListOffsetsRequest(topics: [
            ListOffsetsTopic(
                name: "orders",
                partitions: [
                    ListOffsetsPartition(partition: 0, timestamp: ListOffsetsPartition.earliestTimestamp),
                    ListOffsetsPartition(partition: 1, timestamp: ListOffsetsPartition.latestTimestamp),
                    ListOffsetsPartition(partition: 2, timestamp: 1_700_000_000_123),
                ]),
            ListOffsetsTopic(name: "payments", partitions: [ListOffsetsPartition(partition: 5, timestamp: 0)]),
        ])
        guard case .listOffsets(let decoded) = try Self.roundTrip(.listOffsets(request)) else { return }
        #expect(decoded == request)
    }

    @Test func initProducerIdRoundTrips() throws {
        for timeout: Int32 in [-1, 0, 60_000] {
            let request = InitProducerIdRequest(transactionTimeoutMs: timeout)
            guard case .initProducerId(let decoded) = try Self.roundTrip(.initProducerId(request)) else { return }
            #expect(decoded == request)
        }
    }

    @Test func offsetForLeaderEpochRoundTrips() throws {
        let request = OffsetForLeaderEpochRequest(
            replicaId: 3,
            topics: [
                OffsetForLeaderEpochTopic(
                    name: "orders",
                    partitions: [
                        OffsetForLeaderEpochPartition(partition: 0, leaderEpoch: 4),
                        OffsetForLeaderEpochPartition(partition: 1, leaderEpoch: -1),
                    ]),
                OffsetForLeaderEpochTopic(name: "payments", partitions: []),
            ])
        guard case .offsetForLeaderEpoch(let decoded) = try Self.roundTrip(.offsetForLeaderEpoch(request)) else {
            return
        }
        #expect(decoded == request)
    }

    @Test func encodingIsDeterministic() {
        let request = Request(
            correlationId: 9, clientId: "c",
            body: .produce(
                ProduceRequest(
                    acks: 1, timeoutMs: 5,
                    topics: [
                        ProduceTopicData(
                            name: "t",
                            partitions: [
                                ProducePartitionData(partition: 0, records: Fixtures.batch(prefix: "d", count: 2))
                            ])
                    ])))
        #expect(WireCodec.encode(request) == WireCodec.encode(request))
    }

    @Test func manyPartitionsOutgrowTheFirstArenaChunk() throws {
        let partitions = (0..<500).map {
            FetchPartition(partition: Int32($0), fetchOffset: Int64($0) * 10, partitionMaxBytes: 100)
        }
        let names = (0..<20).map { "topic-with-a-longish-name-\($0)" }
        let request = FetchRequest(topics: names.map { FetchTopic(name: $0, partitions: partitions) })
        guard case .fetch(let decoded) = try Self.roundTrip(.fetch(request)) else { return }
        #expect(decoded == request)
    }
}
