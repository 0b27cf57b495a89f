import NIOCore
import Testing

@testable import SluiceWire

/// Shared test data: real record batches from `RecordBatchBuilder`, and comparisons for the models
/// that carry `ByteBuffer`s and so are not `Equatable`.
enum Fixtures {
    /// A finished batch of `count` records whose keys and values start with `prefix`.
    static func batch(prefix: String, count: Int, firstTimestamp: Int64 = 1_700_000_000_000) -> ByteBuffer {
        var builder = RecordBatchBuilder(firstTimestamp: firstTimestamp, capacityBytes: 256)
        for index in 0..<count {
            builder.append(
                key: Array("\(prefix)-key-\(index)".utf8), value: Array("\(prefix)-value-\(index)".utf8),
                timestamp: firstTimestamp + Int64(index))
        }
        return builder.finish()
    }

    /// Two batches back to back, as a partition's `records` field holds them.
    static func twoBatches(prefix: String) -> ByteBuffer {
        var first = batch(prefix: prefix + "a", count: 3)
        var second = batch(prefix: prefix + "b", count: 2)
        var joined = ByteBufferAllocator().buffer(capacity: first.readableBytes + second.readableBytes)
        joined.writeBuffer(&first)
        joined.writeBuffer(&second)
        return joined
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
}

func expectSame(
    _ decoded: ProduceRequest, _ original: ProduceRequest, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(decoded.acks == original.acks, sourceLocation: sourceLocation)
    #expect(decoded.timeoutMs == original.timeoutMs, sourceLocation: sourceLocation)
    #expect(decoded.topics.map(\.name) == original.topics.map(\.name), sourceLocation: sourceLocation)
    #expect(
        decoded.topics.map { $0.partitions.map(\.partition) } == original.topics.map { $0.partitions.map(\.partition) },
        sourceLocation: sourceLocation)
    #expect(
        decoded.topics.map { $0.partitions.map(\.records) } == original.topics.map { $0.partitions.map(\.records) },
        sourceLocation: sourceLocation)
}

func expectSame(
    _ decoded: FetchResponse, _ original: FetchResponse, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(decoded.topics.map(\.name) == original.topics.map(\.name), sourceLocation: sourceLocation)
    for (decodedTopic, originalTopic) in zip(decoded.topics, original.topics) {
        #expect(decodedTopic.partitions.count == originalTopic.partitions.count, sourceLocation: sourceLocation)
        for (lhs, rhs) in zip(decodedTopic.partitions, originalTopic.partitions) {
            #expect(lhs.partition == rhs.partition, sourceLocation: sourceLocation)
            #expect(lhs.errorCode == rhs.errorCode, sourceLocation: sourceLocation)
            #expect(lhs.highWatermark == rhs.highWatermark, sourceLocation: sourceLocation)
            #expect(lhs.logStartOffset == rhs.logStartOffset, sourceLocation: sourceLocation)
            #expect(lhs.logEndOffset == rhs.logEndOffset, sourceLocation: sourceLocation)
            #expect(lhs.records == rhs.records, sourceLocation: sourceLocation)
        }
    }
}
