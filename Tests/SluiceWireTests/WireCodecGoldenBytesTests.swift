import NIOCore
import SluiceWire
import Testing

/// The exact frame bodies `WireCodec.encode` writes for one request and one response of every API, recorded
/// from protobuf-c before the codec's marshalling was factored (issue 9): a change in how the Swift models are
/// marshalled must not change one byte on the wire. Negative numbers, empty strings and lists, a NUL in a
/// string and empty records are in the mix, each an encoding rule of its own.
@Suite struct WireCodecGoldenBytesTests {
    static func hex(_ buffer: ByteBuffer) -> String {
        buffer.readableBytesView.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    static let records = ByteBuffer(bytes: [0x01, 0x02, 0x03, 0xFF])

    static let requests: [(String, RequestBody)] = [
        ("metadata named", .metadata(MetadataRequest(topics: ["orders", ""]))),
        ("metadata all", .metadata(MetadataRequest(topics: nil))),
        (
            "createTopics",
            .createTopics(
                CreateTopicsRequest(
                    topics: [
                        CreatableTopic(
                            name: "orders", numPartitions: 3, replicationFactor: -1,
                            configs: [("retention.ms", "1000"), ("a", "")]),
                        CreatableTopic(name: "d\u{0}x"),
                    ], timeoutMs: 5_000))
        ),
        ("deleteTopics", .deleteTopics(DeleteTopicsRequest(topics: ["a", "b"], timeoutMs: -1))),
        ("describeCluster", .describeCluster),
        ("describeTopics", .describeTopics(DescribeTopicsRequest(topics: ["x", "y"]))),
        (
            "produce",
            .produce(
                ProduceRequest(
                    acks: -1, timeoutMs: 30_000,
                    topics: [
                        ProduceTopicData(
                            name: "orders",
                            partitions: [
                                ProducePartitionData(partition: 0, records: records),
                                ProducePartitionData(partition: -2, records: ByteBuffer()),
                            ]),
                        ProduceTopicData(name: "", partitions: []),
                    ]))
        ),
        (
            "fetch",
            .fetch(
                FetchRequest(
                    replicaId: 2, maxWaitMs: 0, minBytes: 1, maxBytes: Int32.max,
                    topics: [
                        FetchTopic(
                            name: "orders",
                            partitions: [
                                FetchPartition(partition: 1, fetchOffset: Int64.max, partitionMaxBytes: 7),
                                FetchPartition(partition: 0, fetchOffset: 0, partitionMaxBytes: 0, currentLeaderEpoch: 4),
                            ])
                    ]))
        ),
        (
            "listOffsets",
            .listOffsets(
                ListOffsetsRequest(topics: [
                    ListOffsetsTopic(
                        name: "orders",
                        partitions: [
                            ListOffsetsPartition(partition: 0, timestamp: ListOffsetsPartition.earliestTimestamp),
                            ListOffsetsPartition(partition: 3, timestamp: 1_700_000_000_123),
                        ])
                ]))
        ),
        ("initProducerId", .initProducerId(InitProducerIdRequest(transactionTimeoutMs: 60_000))),
        (
            "offsetForLeaderEpoch",
            .offsetForLeaderEpoch(
                OffsetForLeaderEpochRequest(
                    replicaId: -1,
                    topics: [
                        OffsetForLeaderEpochTopic(
                            name: "orders",
                            partitions: [
                                OffsetForLeaderEpochPartition(partition: 0, leaderEpoch: 4),
                                OffsetForLeaderEpochPartition(partition: 1, leaderEpoch: -1),
                            ])
                    ]))
        ),
    ]

    static let brokers = [BrokerInfo(nodeId: 1, host: "b1", port: 9092), BrokerInfo(nodeId: -1, host: "", port: 0)]

    static let responses: [(String, ResponseBody)] = [
        ("none", .none),
        (
            "metadata",
            .metadata(
                MetadataResponse(
                    brokers: brokers, clusterId: "c", controllerId: 1,
                    topics: [
                        TopicMetadata(
                            name: "orders",
                            partitions: [
                                PartitionMetadata(partition: 0, leader: 1, leaderEpoch: 2, replicas: [1, 2], isr: [1]),
                                PartitionMetadata(
                                    errorCode: .leaderNotAvailable, partition: 1, leader: -1, leaderEpoch: -1,
                                    replicas: [], isr: []),
                            ]),
                        TopicMetadata(errorCode: .unknownTopicOrPartition, name: "gone", partitions: []),
                    ]))
        ),
        (
            "createTopics",
            .createTopics(
                TopicResultsResponse(topics: [
                    TopicResult(name: "a"), TopicResult(name: "b", errorCode: .topicAlreadyExists, errorMessage: "dupe"),
                ]))
        ),
        ("deleteTopics", .deleteTopics(TopicResultsResponse(topics: [TopicResult(name: "a", errorCode: .unknownServerError)]))),
        (
            "describeCluster",
            .describeCluster(
                DescribeClusterResponse(clusterId: "c", controllerId: -1, brokers: brokers, metadataStore: "embedded"))
        ),
        (
            "describeTopics",
            .describeTopics(
                DescribeTopicsResponse(topics: [
                    TopicDescription(
                        name: "orders",
                        partitions: [
                            PartitionDescription(
                                partition: 0, leader: 1, leaderEpoch: 3, replicas: [1, 2], isr: [2], logStartOffset: 10,
                                logEndOffset: 20, highWatermark: 19, sizeBytes: 1 << 40),
                            PartitionDescription(
                                partition: 1, errorCode: .kafkaStorageError, leader: -1, leaderEpoch: -1, replicas: [],
                                isr: [], logStartOffset: -1, logEndOffset: -1, highWatermark: -1, sizeBytes: 0),
                        ],
                        configs: ["retention.ms": "1", "cleanup.policy": "delete"]),
                    TopicDescription(name: "gone", errorCode: .unknownTopicOrPartition, partitions: []),
                ]))
        ),
        (
            "produce",
            .produce(
                ProduceResponse(topics: [
                    ProduceTopicResponse(
                        name: "orders",
                        partitions: [
                            ProducePartitionResponse(partition: 0, baseOffset: 100, logAppendTimeMs: -1, logStartOffset: 0),
                            ProducePartitionResponse(partition: 1, errorCode: .notEnoughReplicas, errorMessage: "isr"),
                        ])
                ]))
        ),
        (
            "fetch",
            .fetch(
                FetchResponse(topics: [
                    FetchTopicResponse(
                        name: "orders",
                        partitions: [
                            FetchPartitionResponse(
                                partition: 0, highWatermark: 5, logStartOffset: 0, logEndOffset: 6, records: records),
                            FetchPartitionResponse(partition: 2, errorCode: .offsetOutOfRange),
                        ]),
                    FetchTopicResponse(name: "empty", partitions: []),
                ]))
        ),
        (
            "listOffsets",
            .listOffsets(
                ListOffsetsResponse(topics: [
                    ListOffsetsTopicResponse(
                        name: "orders",
                        partitions: [
                            ListOffsetsPartitionResponse(partition: 0, timestamp: 1_700_000_000_000, offset: 42, leaderEpoch: 3),
                            ListOffsetsPartitionResponse(partition: 1, errorCode: .notLeaderOrFollower),
                        ])
                ]))
        ),
        ("initProducerId", .initProducerId(InitProducerIdResponse(producerId: 1_234, producerEpoch: -1))),
        (
            "offsetForLeaderEpoch",
            .offsetForLeaderEpoch(
                OffsetForLeaderEpochResponse(topics: [
                    OffsetForLeaderEpochTopicResponse(
                        name: "orders",
                        partitions: [
                            OffsetForLeaderEpochPartitionResponse(partition: 0, leaderEpoch: 4, endOffset: 1_234),
                            OffsetForLeaderEpochPartitionResponse(
                                partition: 1, errorCode: .fencedLeaderEpoch, leaderEpoch: -1, endOffset: -1),
                        ])
                ]))
        ),
    ]

    @Test func everyRequestEncodesToTheRecordedBytes() {
        #expect(Self.requests.count == Self.expectedRequests.count)
        for (name, body) in Self.requests {
            let encoded = WireCodec.encode(Request(correlationId: -7, clientId: "cli", body: body))
            #expect(Self.hex(encoded) == Self.expectedRequests[name], "\(name)")
        }
    }

    /// The listener tells Kafka requests (an API key's high byte is 0x00) from native frames by their first byte:
    /// a native request starts with a protobuf field tag, never 0x00, whatever its fields hold.
    @Test func noNativeRequestStartsWithAZeroByte() {
        for (name, body) in Self.requests {
            for request in [
                Request(correlationId: 0, clientId: "", body: body), Request(correlationId: -7, clientId: "cli", body: body),
            ] {
                let encoded = WireCodec.encode(request)
                #expect(encoded.readableBytes > 0, "\(name)")
                #expect(encoded.getInteger(at: encoded.readerIndex, as: UInt8.self) != 0, "\(name)")
            }
        }
    }

    @Test func everyResponseEncodesToTheRecordedBytes() {
        #expect(Self.responses.count == Self.expectedResponses.count)
        for (name, body) in Self.responses {
            let encoded = WireCodec.encode(
                Response(correlationId: 9, errorCode: .notLeaderOrFollower, errorMessage: "m", body: body))
            #expect(Self.hex(encoded) == Self.expectedResponses[name], "\(name)")
        }
    }

    static let expectedRequests: [String: String] = [
        "metadata named": "08f9ffffffffffffffff011203636c69520a12066f72646572731200",
        "metadata all": "08f9ffffffffffffffff011203636c6952020801",
        "createTopics": """
            08f9ffffffffffffffff011203636c695a500a300a066f7264657273100318ffffffffffffffffff0122140a0c726574\
            656e74696f6e2e6d7312043130303022030a01610a190a016410ffffffffffffffffff0118ffffffffffffffffff0110\
            8827
            """,
        "deleteTopics": "08f9ffffffffffffffff011203636c6962110a01610a016210ffffffffffffffffff01",
        "describeCluster": "08f9ffffffffffffffff011203636c696a00",
        "describeTopics": "08f9ffffffffffffffff011203636c699a01060a01780a0179",
        "produce": """
            08f9ffffffffffffffff011203636c69723008ffffffffffffffffff0110b0ea011a1d0a066f72646572731206120401\
            0203ff120b08feffffffffffffffff011a00
            """,
        "fetch": """
            08f9ffffffffffffffff011203636c697a330802180120ffffffff072a270a066f72646572731219080110ffffffffff\
            ffffff7f180720ffffffffffffffffff0112022004
            """,
        "listOffsets": """
            08f9ffffffffffffffff011203636c698201220a200a066f7264657273120b10feffffffffffffffff011209080310fb\
            d095ffbc31
            """,
        "initProducerId": "08f9ffffffffffffffff011203636c698a010408e0d403",
        "offsetForLeaderEpoch": """
            08f9ffffffffffffffff011203636c6992012808ffffffffffffffffff01121b0a066f726465727312021004120d0801\
            10ffffffffffffffffff01
            """,
    ]

    static let expectedResponses: [String: String] = [
        "none": "080910061a016d",
        "metadata": """
            080910061a016d525a0a090801120262311884470a0b08ffffffffffffffffff011201631801223112066f7264657273\
            1a0b180120022a0201023201011a1a0805100118ffffffffffffffffff0120ffffffffffffffffff0122080803120467\
            6f6e65
            """,
        "createTopics": "080910061a016d5a120a030a01610a0b0a016210241a0464757065",
        "deleteTopics": "080910061a016d62100a0e0a016110ffffffffffffffffff01",
        "describeCluster": """
            080910061a016d6a300a016310ffffffffffffffffff011a090801120262311884471a0b08ffffffffffffffffff0122\
            08656d626564646564
            """,
        "describeTopics": """
            080910061a016d9a0199010a8c010a066f72646572731a1810011803220201022a0102300a3814401348808080808020\
            1a3b080110ffffffffffffffffff0118ffffffffffffffffff0130ffffffffffffffffff0138ffffffffffffffffff01\
            40ffffffffffffffffff01503822180a0e636c65616e75702e706f6c696379120664656c65746522110a0c726574656e\
            74696f6e2e6d731201310a080a04676f6e651003
            """,
        "produce": """
            080910061a016d72450a430a066f7264657273120d206428ffffffffffffffffff01122a080110131a0369737220ffff\
            ffffffffffffff0128ffffffffffffffffff0130ffffffffffffffffff01
            """,
        "fetch": """
            080910061a016d7a460a3b0a066f7264657273120a180528063204010203ff12250802100118ffffffffffffffffff01\
            20ffffffffffffffffff0128ffffffffffffffffff010a070a05656d707479
            """,
        "listOffsets": """
            080910061a016d82013e0a3c0a066f7264657273120b1880d095ffbc31202a280312250801100618ffffffffffffffff\
            ff0120ffffffffffffffffff0128ffffffffffffffffff01
            """,
        "initProducerId": "080910061a016d8a010e10d20918ffffffffffffffffff01",
        "offsetForLeaderEpoch": """
            080910061a016d92012d0a2b0a066f72646572731205180420d209121a0801104a18ffffffffffffffffff0120ffffff\
            ffffffffffff01
            """,
    ]
}
