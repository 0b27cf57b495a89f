import NIOCore
import SluiceKafka
import SluiceWire
import Testing

/// Produce, Fetch, ListOffsets, InitProducerId and OffsetForLeaderEpoch as their message JSON lays them out, Kafka's
/// produce rules, and native batches converted to magic 2 for Kafka consumers.
@Suite struct KafkaDataApiTests {
    /// A magic-2 batch of `values` (no keys), sealed; `change` edits the header before sealing.
    static func kafkaBatch(_ values: [String], change: (inout RecordBatchHeader) -> Void = { _ in }) -> ByteBuffer {
        var batch = ByteBuffer()
        batch.writeRepeatingByte(0, count: RecordBatchHeader.size)
        for (index, value) in values.enumerated() {
            Array(value.utf8).withUnsafeBytes {
                KafkaRecordCodec.writeRecord(
                    offsetDelta: Int32(index), timestampDelta: 0, key: nil, value: $0, headers: [], to: &batch)
            }
        }
        var header = RecordBatchHeader(
            batchLength: Int32(batch.readableBytes - RecordBatchHeader.lengthFieldEnd),
            magic: RecordBatchHeader.kafkaMagicValue, lastOffsetDelta: Int32(values.count - 1),
            firstTimestamp: 1_000, maxTimestamp: 1_000, recordCount: Int32(values.count))
        change(&header)
        batch.withUnsafeMutableReadableBytes { header.seal($0) }
        return batch
    }

    static func body(_ write: (inout KafkaWriter) -> Void) -> KafkaReader {
        var writer = KafkaWriter()
        write(&writer)
        return KafkaReader(writer.buffer)
    }

    static func produceBody(version: Int16, records: ByteBuffer) -> KafkaReader {
        body { writer in
            if version >= 3 { writer.string(nil) }
            writer.int16(-1)
            writer.int32(1_500)
            writer.int32(1)
            writer.string("orders")
            writer.int32(1)
            writer.int32(2)
            writer.nullableBytes(records)
        }
    }

    @Test func produceRequestsDecodeToTheNativeRequestWithRecordsUncopied() throws {
        let batch = Self.kafkaBatch(["a", "b"])
        for version: Int16 in [0, 3, 8] {
            var reader = Self.produceBody(version: version, records: batch)
            let decoded = try KafkaProduce.decodeRequest(&reader, version: version)
            #expect(decoded.transactionalId == nil)
            #expect(decoded.produce.acks == -1)
            #expect(decoded.produce.timeoutMs == 1_500)
            #expect(decoded.produce.topics.map(\.name) == ["orders"])
            #expect(decoded.produce.topics[0].partitions[0].partition == 2)
            #expect(decoded.produce.topics[0].partitions[0].records == batch)
            #expect(reader.remaining == 0)
        }
    }

    @Test func kafkasProduceRulesRefuseWhatKafkaRefuses() {
        #expect(KafkaProduce.validate(Self.kafkaBatch(["ok"])) == nil)
        let cases: [(ByteBuffer, ErrorCode, String)] = [
            (ByteBuffer(bytes: [1, 2, 3]), .corruptMessage, "header"),
            (Self.kafkaBatch(["x"]) { $0.magic = 1 }, .invalidRecord, "magic 1"),
            (Self.kafkaBatch(["x"]) { $0.baseOffset = 5 }, .invalidRecord, "base offset 0"),
            (Self.kafkaBatch(["x"]) { $0.attributes = 0x20 }, .invalidRecord, "control"),
            (Self.kafkaBatch(["x"]) { $0.attributes = 0x10 }, .invalidRecord, "transactional"),
            (Self.kafkaBatch(["x"]) { $0.attributes = 0x07 }, .unsupportedCompressionType, "codec 7"),
        ]
        for (records, code, phrase) in cases {
            let problem = KafkaProduce.validate(records)
            #expect(problem?.code == code, "\(phrase)")
            #expect(problem?.message.contains(phrase) == true, "\(String(describing: problem))")
        }
        var two = Self.kafkaBatch(["a"])
        var second = Self.kafkaBatch(["b"])
        two.writeBuffer(&second)
        #expect(KafkaProduce.validate(two)?.message.contains("exactly one batch") == true)
    }

    @Test func produceResponsesCarryWhatEachVersionHas() throws {
        let response = ProduceResponse(topics: [
            ProduceTopicResponse(name: "orders", partitions: [
                ProducePartitionResponse(partition: 2, baseOffset: 40, logAppendTimeMs: -1, logStartOffset: 7),
                ProducePartitionResponse(partition: 3, errorCode: .notEnoughReplicas, errorMessage: "ISR 1 < 2"),
            ])
        ])
        var v8 = KafkaReader(KafkaProduce.responseBody(response, version: 8))
        #expect(try v8.arrayLength() == 1)
        #expect(try v8.string() == "orders")
        #expect(try v8.arrayLength() == 2)
        #expect(try v8.int32() == 2)
        #expect(try v8.int16() == 0)
        #expect(try v8.int64() == 40)
        #expect(try v8.int64() == -1, "log_append_time_ms")
        #expect(try v8.int64() == 7, "log_start_offset")
        #expect(try v8.arrayLength() == 0, "record_errors")
        #expect(try v8.nullableString() == nil)
        #expect(try v8.int32() == 3)
        #expect(try v8.int16() == ErrorCode.notEnoughReplicas.rawValue)
        _ = try (v8.int64(), v8.int64(), v8.int64(), v8.arrayLength())
        #expect(try v8.nullableString() == "ISR 1 < 2")
        #expect(try v8.int32() == 0, "throttle_time_ms")
        #expect(v8.remaining == 0)
        var v0 = KafkaReader(KafkaProduce.responseBody(response, version: 0))
        _ = try (v0.arrayLength(), v0.string(), v0.arrayLength())
        _ = try (v0.int32(), v0.int16(), v0.int64(), v0.int32(), v0.int16(), v0.int64())
        #expect(v0.remaining == 0, "v0: no log append time, log start offset or throttle time")
    }

    @Test func fetchRequestsDecodeAsAConsumersFullFetch() throws {
        for version: Int16 in [4, 7, 11] {
            var reader = Self.body { writer in
                writer.int32(3)  // a replica id: ignored, a Kafka client is a consumer
                writer.int32(500)
                writer.int32(1)
                writer.int32(52_428_800)
                writer.int8(1)
                if version >= 7 {
                    writer.int32(0)
                    writer.int32(-1)
                }
                writer.int32(1)
                writer.string("orders")
                writer.int32(1)
                writer.int32(0)
                if version >= 9 { writer.int32(4) }
                writer.int64(1_234)
                if version >= 5 { writer.int64(0) }
                writer.int32(1_048_576)
                if version >= 7 { writer.int32(0) }
                if version >= 11 { writer.string("rack-a") }
            }
            let decoded = try KafkaFetch.decodeRequest(&reader, version: version)
            #expect(reader.remaining == 0, "v\(version)")
            #expect(decoded.fetch.replicaId == -1)
            #expect(decoded.fetch.maxWaitMs == 500)
            #expect(!decoded.needsSession)
            let partition = decoded.fetch.topics[0].partitions[0]
            #expect(partition.fetchOffset == 1_234)
            #expect(partition.partitionMaxBytes == 1_048_576)
            #expect(partition.currentLeaderEpoch == (version >= 9 ? 4 : -1))
        }
    }

    @Test func aFetchResponseFrameFramesItsRecords() throws {
        let batch = Self.kafkaBatch(["a", "b", "c"])
        let response = FetchResponse(topics: [
            FetchTopicResponse(name: "orders", partitions: [
                FetchPartitionResponse(partition: 0, highWatermark: 3, logStartOffset: 0, logEndOffset: 3, records: batch),
                FetchPartitionResponse(partition: 1, errorCode: .notLeaderOrFollower),
            ])
        ])
        let parts = KafkaFetch.responseFrame(
            correlationId: 9, response, version: 11, allocator: ByteBufferAllocator()
        ) { (_, partition) throws(SluiceError) in
            KafkaFetch.Records(parts: [.bytes(partition.records)], byteCount: partition.records.readableBytes)
        }
        var frame = ByteBuffer()
        for part in parts {
            guard case .bytes(var bytes) = part else { Issue.record("only bytes expected"); return }
            frame.writeBuffer(&bytes)
        }
        var reader = KafkaReader(frame)
        #expect(try reader.int32() == Int32(frame.readableBytes - 4), "frame length")
        #expect(try reader.int32() == 9, "correlation id")
        #expect(try reader.int32() == 0, "throttle_time_ms")
        #expect(try reader.int16() == 0, "error_code")
        #expect(try reader.int32() == 0, "session_id: none")
        #expect(try reader.arrayLength() == 1)
        #expect(try reader.string() == "orders")
        #expect(try reader.arrayLength() == 2)
        #expect(try reader.int32() == 0)
        #expect(try reader.int16() == 0)
        #expect(try reader.int64() == 3, "high watermark")
        #expect(try reader.int64() == 3, "last stable offset = HW")
        #expect(try reader.int64() == 0, "log start offset")
        #expect(try reader.arrayLength() == 0, "aborted transactions")
        #expect(try reader.int32() == -1, "preferred read replica")
        #expect(try reader.nullableBytes() == batch)
        #expect(try reader.int32() == 1)
        #expect(try reader.int16() == ErrorCode.notLeaderOrFollower.rawValue)
        _ = try (reader.int64(), reader.int64(), reader.int64(), reader.arrayLength(), reader.int32())
        #expect(try reader.nullableBytes()?.readableBytes == 0)
        #expect(reader.remaining == 0)
    }

    @Test func aNativeBatchConvertsToMagicTwoWithTheSameRecords() throws {
        var builder = RecordBatchBuilder(firstTimestamp: 1_700_000_000_000)
        builder.append(key: Array("k0".utf8), value: Array("v0".utf8), timestamp: 1_700_000_000_000)
        builder.append(key: nil, value: [], timestamp: 1_700_000_000_005)
        builder.append(key: Array("k2".utf8), value: nil, timestamp: 1_699_999_999_000)
        var native = builder.finish()
        native.withUnsafeMutableReadableBytes {
            RecordBatchHeader.stamp(baseOffset: 100, leaderEpoch: 3, into: $0)
        }
        let converted = try native.withUnsafeReadableBytes { try KafkaBatchConversion.convert(nativeBatch: $0) }
        let header = try converted.withUnsafeReadableBytes { try RecordBatchHeader.validate($0).get() }
        #expect(header.magic == RecordBatchHeader.kafkaMagicValue)
        #expect(header.totalSize == converted.readableBytes)
        #expect(header.baseOffset == 100)
        #expect(header.partitionLeaderEpoch == 3)
        #expect(header.recordCount == 3)
        let before = try native.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0).records }
        let after = try converted.withUnsafeReadableBytes { try RecordBatchReader.records(in: $0).records }
        #expect(after == before)
        #expect(after.map(\.timestamp) == [1_700_000_000_000, 1_700_000_000_005, 1_699_999_999_000])
    }

    @Test func listOffsetsInitProducerIdAndOffsetForLeaderEpochLayouts() throws {
        var listOffsets = Self.body { writer in
            writer.int32(-1)
            writer.int8(0)
            writer.int32(1)
            writer.string("orders")
            writer.int32(1)
            writer.int32(0)
            writer.int32(5)
            writer.int64(-2)
        }
        let wanted = try KafkaListOffsets.decodeRequest(&listOffsets, version: 5)
        #expect(wanted == ListOffsetsRequest(topics: [ListOffsetsTopic(name: "orders", partitions: [
            ListOffsetsPartition(partition: 0, timestamp: -2, currentLeaderEpoch: 5)
        ])]))
        let answer = ListOffsetsResponse(topics: [ListOffsetsTopicResponse(name: "orders", partitions: [
            ListOffsetsPartitionResponse(partition: 0, timestamp: -1, offset: 42, leaderEpoch: 5)
        ])])
        var v1 = KafkaReader(KafkaListOffsets.responseBody(answer, version: 1))
        _ = try (v1.arrayLength(), v1.string(), v1.arrayLength(), v1.int32(), v1.int16(), v1.int64())
        #expect(try v1.int64() == 42)
        #expect(v1.remaining == 0, "v1: no throttle time, no leader epoch")
        var v5 = KafkaReader(KafkaListOffsets.responseBody(answer, version: 5))
        #expect(try v5.int32() == 0, "throttle_time_ms")
        _ = try (v5.arrayLength(), v5.string(), v5.arrayLength(), v5.int32(), v5.int16(), v5.int64(), v5.int64())
        #expect(try v5.int32() == 5)
        #expect(v5.remaining == 0)

        var initRequest = Self.body { writer in
            writer.string(nil)
            writer.int32(60_000)
        }
        #expect(
            try KafkaInitProducerId.decodeRequest(&initRequest, version: 1)
                == .init(transactionalId: nil, transactionTimeoutMs: 60_000))
        var initResponse = KafkaReader(KafkaInitProducerId.responseBody(
            InitProducerIdResponse(producerId: 4_000, producerEpoch: 2), version: 1))
        #expect(try initResponse.int32() == 0)
        #expect(try initResponse.int16() == 0)
        #expect(try initResponse.int64() == 4_000)
        #expect(try initResponse.int16() == 2)
        #expect(initResponse.remaining == 0)

        var epochRequest = Self.body { writer in
            writer.int32(-1)
            writer.int32(1)
            writer.string("orders")
            writer.int32(1)
            writer.int32(0)
            writer.int32(7)
            writer.int32(6)
        }
        let epochs = try KafkaOffsetForLeaderEpoch.decodeRequest(&epochRequest, version: 3)
        #expect(epochs.topics[0].partitions == [OffsetForLeaderEpochPartition(partition: 0, leaderEpoch: 6, currentLeaderEpoch: 7)])
        #expect(epochRequest.remaining == 0)
        var epochResponse = KafkaReader(KafkaOffsetForLeaderEpoch.responseBody(
            OffsetForLeaderEpochResponse(topics: [OffsetForLeaderEpochTopicResponse(name: "orders", partitions: [
                OffsetForLeaderEpochPartitionResponse(partition: 0, leaderEpoch: 6, endOffset: 90)
            ])]), version: 3))
        _ = try (epochResponse.int32(), epochResponse.arrayLength(), epochResponse.string(), epochResponse.arrayLength())
        #expect(try epochResponse.int16() == 0)
        #expect(try epochResponse.int32() == 0)
        #expect(try epochResponse.int32() == 6)
        #expect(try epochResponse.int64() == 90)
        #expect(epochResponse.remaining == 0)
    }

    @Test func hostileDataRequestsAreErrorsNotCrashes() {
        // A partition array claiming more entries than bytes remain.
        var produce = Self.body { writer in
            writer.string(nil)
            writer.int16(1)
            writer.int32(0)
            writer.int32(1)
            writer.string("t")
            writer.int32(1_000_000)
        }
        #expect(throws: KafkaProtocolError.self) { try KafkaProduce.decodeRequest(&produce, version: 3) }
        // Records longer than the request.
        var records = Self.body { writer in
            writer.string(nil)
            writer.int16(1)
            writer.int32(0)
            writer.int32(1)
            writer.string("t")
            writer.int32(1)
            writer.int32(0)
            writer.int32(Int32.max)
        }
        #expect(throws: KafkaProtocolError.self) { try KafkaProduce.decodeRequest(&records, version: 3) }
        var fetch = Self.body { writer in
            writer.int32(-1)
            writer.int32(0)
        }
        #expect(throws: KafkaProtocolError.self) { try KafkaFetch.decodeRequest(&fetch, version: 11) }
    }

    @Test func createDeleteAndDescribeConfigsLayouts() throws {
        var create = Self.body { writer in
            writer.int32(2)
            for (name, assigned) in [("a", false), ("b", true)] {
                writer.string(name)
                writer.int32(-1)
                writer.int16(-1)
                writer.int32(assigned ? 1 : 0)
                if assigned {
                    writer.int32(0)
                    writer.int32Array([1, 2])
                }
                writer.int32(2)
                writer.string("retention.ms")
                writer.string("1000")
                writer.string("segment.bytes")
                writer.string(nil)  // null: the default, as if left out
            }
            writer.int32(5_000)
            writer.bool(true)
        }
        let decoded = try KafkaCreateTopics.decodeRequest(&create, version: 4)
        #expect(create.remaining == 0)
        #expect(decoded.create.topics.map(\.name) == ["a", "b"])
        #expect(decoded.create.topics[0].numPartitions == -1)
        #expect(decoded.create.topics[0].replicationFactor == -1)
        #expect(decoded.create.topics[0].configs.map(\.key) == ["retention.ms"])
        #expect(decoded.manuallyAssigned == ["b"])
        #expect(decoded.validateOnly)
        #expect(decoded.create.timeoutMs == 5_000)
        var created = KafkaReader(KafkaCreateTopics.responseBody(
            TopicResultsResponse(topics: [TopicResult(name: "a"), TopicResult(name: "b", errorCode: .invalidRequest, errorMessage: "no")]),
            version: 4))
        #expect(try created.int32() == 0)
        #expect(try created.arrayLength() == 2)
        #expect(try created.string() == "a")
        #expect(try created.int16() == 0)
        #expect(try created.nullableString() == nil)
        #expect(try created.string() == "b")
        #expect(try created.int16() == ErrorCode.invalidRequest.rawValue)
        #expect(try created.nullableString() == "no")
        #expect(created.remaining == 0)

        var delete = Self.body { writer in
            writer.int32(1)
            writer.string("a")
            writer.int32(1_000)
        }
        #expect(try KafkaDeleteTopics.decodeRequest(&delete, version: 3) == DeleteTopicsRequest(topics: ["a"], timeoutMs: 1_000))

        var describe = Self.body { writer in
            writer.int32(2)
            writer.int8(2)
            writer.string("a")
            writer.int32(-1)
            writer.int8(4)
            writer.string("1")
            writer.int32(1)
            writer.string("num.partitions")
            writer.bool(true)
            writer.bool(false)
        }
        let resources = try KafkaDescribeConfigs.decodeRequest(&describe, version: 3)
        #expect(resources.resources == [.init(type: 2, name: "a", keys: nil), .init(type: 4, name: "1", keys: ["num.partitions"])])
        #expect(resources.includeSynonyms)
        #expect(describe.remaining == 0)
        let entry = KafkaDescribeConfigs.Entry(
            name: "retention.ms", value: "1000", readOnly: false, source: .topicConfig, isSensitive: false,
            synonyms: [.init(name: "retention.ms", value: "1000", source: .topicConfig)], type: .long, documentation: "d")
        let result = KafkaDescribeConfigs.Result(errorCode: .none, errorMessage: nil, resourceType: 2, resourceName: "a", entries: [entry])
        for version: Int16 in [1, 3] {
            var reader = KafkaReader(KafkaDescribeConfigs.responseBody([result], version: version))
            _ = try (reader.int32(), reader.arrayLength(), reader.int16(), reader.nullableString(), reader.int8(), reader.string())
            #expect(try reader.arrayLength() == 1)
            #expect(try reader.string() == "retention.ms")
            #expect(try reader.nullableString() == "1000")
            #expect(try reader.bool() == false)
            #expect(try reader.int8() == 1, "DYNAMIC_TOPIC_CONFIG")
            #expect(try reader.bool() == false)
            #expect(try reader.arrayLength() == 1)
            _ = try (reader.string(), reader.nullableString(), reader.int8())
            if version >= 3 {
                #expect(try reader.int8() == 5, "LONG")
                #expect(try reader.nullableString() == "d")
            }
            #expect(reader.remaining == 0, "v\(version)")
        }
    }
}
