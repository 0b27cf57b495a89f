import NIOCore
import SluiceWire

/// A committed offset as a record of `__consumer_offsets`: key (group, topic, partition), value (offset, leader
/// epoch, commit time, metadata); a null value deletes the commit (a tombstone). Replaying a partition's records
/// in order rebuilds every commit of the groups that hash to it.
///
/// ```
/// key:   version 1 (u8), kind 1 (u8), group (u16 length + UTF-8), topic (u16 length + UTF-8), partition (i32)
/// value: version 1 (u8), offset (i64), leader epoch (i32), commit time ms (i64), metadata (i16 length, -1 null)
/// ```
/// Big-endian throughout. Sluice's own format (Kafka's own `__consumer_offsets` schema is internal to Kafka too).
struct OffsetCommitRecord: Sendable, Hashable {
    var group: String
    var topicPartition: TopicPartition
    /// nil: the commit was deleted.
    var commit: CommittedOffset?

    static let version: UInt8 = 1
    static let offsetKind: UInt8 = 1

    var key: [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.version)
        buffer.writeInteger(Self.offsetKind)
        Self.writeString(group, to: &buffer)
        Self.writeString(topicPartition.topic, to: &buffer)
        buffer.writeInteger(topicPartition.partition)
        return Array(buffer.readableBytesView)
    }

    var value: [UInt8]? {
        guard let commit else { return nil }
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.version)
        buffer.writeInteger(commit.offset)
        buffer.writeInteger(commit.leaderEpoch)
        buffer.writeInteger(commit.commitTimestampMs)
        if let metadata = commit.metadata {
            buffer.writeInteger(Int16(truncatingIfNeeded: metadata.utf8.count))
            buffer.writeString(metadata)
        } else {
            buffer.writeInteger(Int16(-1))
        }
        return Array(buffer.readableBytesView)
    }

    init(group: String, topicPartition: TopicPartition, commit: CommittedOffset?) {
        self.group = group
        self.topicPartition = topicPartition
        self.commit = commit
    }

    /// Decodes a record; nil for a key of another version or kind (skipped on replay) or bytes that do not parse.
    init?(key: [UInt8], value: [UInt8]?) {
        var keyBuffer = ByteBuffer(bytes: key)
        guard keyBuffer.readInteger(as: UInt8.self) == Self.version,
            keyBuffer.readInteger(as: UInt8.self) == Self.offsetKind,
            let group = Self.readString(&keyBuffer), let topic = Self.readString(&keyBuffer),
            let partition = keyBuffer.readInteger(as: Int32.self), keyBuffer.readableBytes == 0
        else { return nil }
        self.group = group
        self.topicPartition = TopicPartition(topic: topic, partition: partition)
        guard let value else {
            commit = nil
            return
        }
        var valueBuffer = ByteBuffer(bytes: value)
        guard valueBuffer.readInteger(as: UInt8.self) == Self.version,
            let offset = valueBuffer.readInteger(as: Int64.self),
            let leaderEpoch = valueBuffer.readInteger(as: Int32.self),
            let timestamp = valueBuffer.readInteger(as: Int64.self),
            let metadataLength = valueBuffer.readInteger(as: Int16.self)
        else { return nil }
        var metadata: String?
        if metadataLength >= 0 {
            guard let text = valueBuffer.readString(length: Int(metadataLength)) else { return nil }
            metadata = text
        }
        guard valueBuffer.readableBytes == 0 else { return nil }
        commit = CommittedOffset(offset: offset, leaderEpoch: leaderEpoch, metadata: metadata, commitTimestampMs: timestamp)
    }

    private static func writeString(_ value: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(truncatingIfNeeded: value.utf8.count))
        buffer.writeString(value)
    }

    private static func readString(_ buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt16.self) else { return nil }
        return buffer.readString(length: Int(length))
    }
}

/// An offset a group committed for a partition: where its consumers resume.
public struct CommittedOffset: Sendable, Hashable {
    public var offset: Int64
    /// The leader epoch of the last record consumed (KIP-320), -1 when unknown.
    public var leaderEpoch: Int32
    public var metadata: String?
    public var commitTimestampMs: Int64

    public init(offset: Int64, leaderEpoch: Int32, metadata: String?, commitTimestampMs: Int64) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestampMs = commitTimestampMs
    }
}
