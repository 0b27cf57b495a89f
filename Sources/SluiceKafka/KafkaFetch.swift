import NIOCore
import SluiceWire

/// Fetch (key 1), v4–v11, non-flexible and sessionless: every request is a full fetch, answered with session id
/// 0 (KIP-227 lets a broker decline sessions; clients then keep sending full fetches). LastStableOffset is the
/// high watermark (no transactions), and no aborted transactions are listed.
public enum KafkaFetch {
    /// A decoded Fetch request: the native request it maps to, and the session fields.
    public struct Request: Sendable {
        /// Always a consumer's (replica id -1): Sluice's followers fetch over the native protocol.
        public var fetch: FetchRequest
        /// v7+: 0 outside a session.
        public var sessionId: Int32
        /// v7+: -1 (FINAL_EPOCH) or 0 for a full fetch.
        public var sessionEpoch: Int32

        public init(fetch: FetchRequest, sessionId: Int32, sessionEpoch: Int32) {
            self.fetch = fetch
            self.sessionId = sessionId
            self.sessionEpoch = sessionEpoch
        }

        /// Whether the request asks for an existing session's incremental fetch, which is answered
        /// FETCH_SESSION_ID_NOT_FOUND (no session is ever created).
        public var needsSession: Bool { sessionId != 0 }
    }

    /// Reads a request body of `version` (4–11).
    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        precondition(KafkaApiKey.fetch.servedVersions.contains(version), "Fetch v\(version) is not served")
        _ = try reader.int32()  // replica_id: a Kafka client is a consumer here, whatever it sends
        let maxWaitMs = try reader.int32()
        let minBytes = try reader.int32()
        let maxBytes = try reader.int32()
        _ = try reader.int8()  // isolation_level: read_committed and read_uncommitted read the same (LSO = HW)
        var sessionId: Int32 = 0
        var sessionEpoch: Int32 = -1
        if version >= 7 {
            sessionId = try reader.int32()
            sessionEpoch = try reader.int32()
        }
        // Each partition: index, [current leader epoch], fetch offset, [log start offset], max bytes.
        let partitionBytes = 16 + (version >= 9 ? 4 : 0) + (version >= 5 ? 8 : 0)
        let topicCount = try reader.arrayLength(minimumElementBytes: 6) ?? 0
        var topics: [FetchTopic] = []
        topics.reserveCapacity(topicCount)
        for _ in 0..<topicCount {
            let name = try reader.string()
            let partitionCount = try reader.arrayLength(minimumElementBytes: partitionBytes) ?? 0
            var partitions: [FetchPartition] = []
            partitions.reserveCapacity(partitionCount)
            for _ in 0..<partitionCount {
                let index = try reader.int32()
                let currentLeaderEpoch = version >= 9 ? try reader.int32() : -1
                let fetchOffset = try reader.int64()
                if version >= 5 { _ = try reader.int64() }  // log_start_offset: a follower's
                let partitionMaxBytes = try reader.int32()
                partitions.append(
                    FetchPartition(
                        partition: index, fetchOffset: fetchOffset, partitionMaxBytes: partitionMaxBytes,
                        currentLeaderEpoch: currentLeaderEpoch))
            }
            topics.append(FetchTopic(name: name, partitions: partitions))
        }
        if version >= 7 {
            // forgotten_topics_data: meaningful only inside a session.
            let forgotten = try reader.arrayLength(minimumElementBytes: 6) ?? 0
            for _ in 0..<forgotten {
                _ = try reader.string()
                let count = try reader.arrayLength(minimumElementBytes: 4) ?? 0
                for _ in 0..<count { _ = try reader.int32() }
            }
        }
        if version >= 11 { _ = try reader.nullableString() }  // rack_id
        let fetch = FetchRequest(
            replicaId: -1, maxWaitMs: maxWaitMs, minBytes: minBytes, maxBytes: maxBytes, topics: topics)
        return Request(fetch: fetch, sessionId: sessionId, sessionEpoch: sessionEpoch)
    }

    /// One partition's records, ready to send: frame parts and their byte count.
    public struct Records: Sendable {
        public var parts: [FramePart]
        public var byteCount: Int

        public init(parts: [FramePart] = [], byteCount: Int = 0) {
            self.parts = parts
            self.byteCount = byteCount
        }
    }

    /// The response frame, length prefix and response header included, as parts: the fixed fields written into
    /// buffers, each partition's records as given by `records` (file ranges stay file ranges). `records` is
    /// called once per partition in order; a partition whose records throw answers its error with none.
    public static func responseFrame(
        correlationId: Int32, _ response: FetchResponse, errorCode: ErrorCode = .none, version: Int16,
        allocator: ByteBufferAllocator,
        records: (String, FetchPartitionResponse) throws(SluiceError) -> Records
    ) -> [FramePart] {
        var parts: [FramePart] = []
        var total = 0
        var current = allocator.buffer(capacity: 256)
        current.writeInteger(Int32(0))  // frame length, set at the end
        current.writeInteger(correlationId)
        current.writeInteger(Int32(0))  // throttle_time_ms
        if version >= 7 {
            current.writeInteger(errorCode.rawValue)
            current.writeInteger(Int32(0))  // session_id: none
        }
        current.writeInteger(Int32(response.topics.count))
        for topic in response.topics {
            writeString(topic.name, to: &current)
            current.writeInteger(Int32(topic.partitions.count))
            for partition in topic.partitions {
                var errorCode = partition.errorCode
                var partitionRecords = Records()
                if errorCode == .none {
                    do { partitionRecords = try records(topic.name, partition) } catch { errorCode = error.code }
                }
                current.writeInteger(partition.partition)
                current.writeInteger(errorCode.rawValue)
                current.writeInteger(partition.highWatermark)
                current.writeInteger(partition.highWatermark)  // last_stable_offset: no transactions
                if version >= 5 { current.writeInteger(partition.logStartOffset) }
                current.writeInteger(Int32(0))  // aborted_transactions: none
                if version >= 11 { current.writeInteger(Int32(-1)) }  // preferred_read_replica: none
                current.writeInteger(Int32(partitionRecords.byteCount))
                guard partitionRecords.byteCount > 0 else { continue }
                total += current.readableBytes
                parts.append(.bytes(current))
                parts.append(contentsOf: partitionRecords.parts)
                total += partitionRecords.byteCount
                current = allocator.buffer(capacity: 128)
            }
        }
        total += current.readableBytes
        parts.append(.bytes(current))
        guard case .bytes(var first) = parts[0] else { preconditionFailure("a fetch frame starts with its header") }
        first.setInteger(Int32(total - 4), at: first.readerIndex)
        parts[0] = .bytes(first)
        return parts
    }

    private static func writeString(_ value: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(Int16(truncatingIfNeeded: value.utf8.count))
        buffer.writeString(value)
    }
}
