import CSluiceProto

// Fetch through protobuf-c, each model ⇄ its message (`WireMessage`, topics through `WireTopic`). A broker
// frames its Fetch responses by hand (`fetchResponseFrameParts`, records sent with sendfile) and a consumer
// reads canonical ones by hand (`decodeFetchResponseFastPath`); this path encodes requests, and responses
// for whoever encodes them whole (tests, the fallback).

// MARK: Fetch request

extension FetchPartition: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__FetchPartition>, arena: WireArena) {
        message.pointee.partition = partition
        message.pointee.fetch_offset = fetchOffset
        message.pointee.partition_max_bytes = partitionMaxBytes
        message.pointee.current_leader_epoch = currentLeaderEpoch
    }

    init(unpacked message: Sluice__FetchPartition) {
        self.init(
            partition: message.partition, fetchOffset: message.fetch_offset,
            partitionMaxBytes: message.partition_max_bytes, currentLeaderEpoch: message.current_leader_epoch)
    }
}

extension FetchTopic: WireTopic { typealias ProtobufC = Sluice__FetchTopic }

extension FetchRequest: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__FetchRequest>, arena: WireArena) {
        message.pointee.replica_id = replicaId
        message.pointee.max_wait_ms = maxWaitMs
        message.pointee.min_bytes = minBytes
        message.pointee.max_bytes = maxBytes
        (message.pointee.n_topics, message.pointee.topics) = arena.messages(topics)
    }

    init(unpacked message: Sluice__FetchRequest) throws(DecodeError) {
        self.init(
            replicaId: message.replica_id, maxWaitMs: message.max_wait_ms, minBytes: message.min_bytes,
            maxBytes: message.max_bytes, topics: try WireCodec.messages(count: message.n_topics, message.topics))
    }
}

// MARK: Fetch response

/// Batches are referenced in place on encode (`records` points into the partition's ByteBuffer) and copied
/// once into a ByteBuffer of their own on decode. File-backed records (`fileRecords`, normally framed by
/// `fetchResponseFrameParts`) are read into memory here; a partition whose file cannot be read is answered
/// with KAFKA_STORAGE_ERROR and no records.
extension FetchPartitionResponse: WireMessage {
    func fill(_ message: UnsafeMutablePointer<Sluice__FetchPartitionResponse>, arena: WireArena) {
        var partition = self
        if let range = partition.fileRecords {
            partition.fileRecords = nil
            do throws(FileRangeError) {
                partition.records = try range.readBytes()
            } catch {
                partition.errorCode = .kafkaStorageError
            }
        }
        message.pointee.partition = partition.partition
        message.pointee.error_code = WireCodec.wireErrorCode(partition.errorCode)
        message.pointee.high_watermark = partition.highWatermark
        message.pointee.log_start_offset = partition.logStartOffset
        message.pointee.log_end_offset = partition.logEndOffset
        message.pointee.records = arena.binaryData(partition.records)
    }

    init(unpacked message: Sluice__FetchPartitionResponse) {
        self.init(
            partition: message.partition, errorCode: WireCodec.errorCode(message.error_code),
            highWatermark: message.high_watermark, logStartOffset: message.log_start_offset,
            logEndOffset: message.log_end_offset, records: WireCodec.buffer(message.records))
    }
}

extension FetchTopicResponse: WireTopic { typealias ProtobufC = Sluice__FetchTopicResponse }
