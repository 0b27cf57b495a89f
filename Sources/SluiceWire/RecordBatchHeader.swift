/// The fixed 61-byte header of a record batch: Kafka v2's layout, big-endian.
///
/// ```
/// offset  size  field
///      0     8  baseOffset            stamped by the leader
///      8     4  batchLength           bytes after this field (header rest + records)
///     12     4  partitionLeaderEpoch  stamped by the leader
///     16     1  magic                 RecordBatchHeader.magicValue
///     17     4  crc                   CRC-32C over bytes [21, end): attributes to the last record
///     21     2  attributes
///     23     4  lastOffsetDelta
///     27     8  firstTimestamp
///     35     8  maxTimestamp
///     43     8  producerId            -1: not idempotent
///     51     2  producerEpoch
///     53     4  baseSequence
///     57     4  recordCount
///     61     …  records: each a varint length and an encoded sluice.Record
/// ```
/// Base offset and leader epoch sit before the CRC's range, so the leader stamps them in place
/// without recomputing it; the broker only verifies the CRC.
public struct RecordBatchHeader: Sendable, Hashable {
    public static let size = 61
    /// The magic byte of Sluice's batch format, version 1: Kafka's header, records encoded as `sluice.Record`.
    public static let magicValue: UInt8 = 1
    /// The magic byte of Kafka's record batch v2, as Kafka clients write it: the same header, Kafka's own record
    /// encoding, possibly compressed. Stored as received next to native batches.
    public static let kafkaMagicValue: UInt8 = 2
    /// Bytes from the start of a batch to the start of the CRC's range.
    public static let crcRangeStart = 21
    /// End of the `batchLength` field; a batch's total size is `lengthFieldEnd + batchLength`.
    public static let lengthFieldEnd = 12

    public var baseOffset: Int64
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: UInt8
    public var crc: UInt32
    public var attributes: Int16
    public var lastOffsetDelta: Int32
    public var firstTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32

    public init(
        baseOffset: Int64 = 0, batchLength: Int32 = 0, partitionLeaderEpoch: Int32 = -1,
        magic: UInt8 = RecordBatchHeader.magicValue, crc: UInt32 = 0, attributes: Int16 = 0,
        lastOffsetDelta: Int32 = 0, firstTimestamp: Int64 = 0, maxTimestamp: Int64 = 0,
        producerId: Int64 = -1, producerEpoch: Int16 = -1, baseSequence: Int32 = -1, recordCount: Int32 = 0
    ) {
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.firstTimestamp = firstTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordCount = recordCount
    }

    /// Whether `magic` is a batch format a partition stores: Sluice's (1) or Kafka's v2 (2).
    @inlinable public static func isStoredMagic(_ magic: UInt8) -> Bool { magic == magicValue || magic == kafkaMagicValue }

    /// The compression codec of attributes bits 0–2 (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd); native batches
    /// are never compressed.
    @inlinable public var compressionCodec: Int { Int(attributes & 0x07) }
    /// Attributes bit 3: LogAppendTime (true) or CreateTime (false).
    @inlinable public var isLogAppendTime: Bool { attributes & 0x08 != 0 }
    /// Attributes bit 4: part of a transaction.
    @inlinable public var isTransactional: Bool { attributes & 0x10 != 0 }
    /// Attributes bit 5: a control batch (transaction markers), which only a broker writes.
    @inlinable public var isControl: Bool { attributes & 0x20 != 0 }

    /// Total bytes of the batch, header included.
    @inlinable public var totalSize: Int { RecordBatchHeader.lengthFieldEnd + Int(batchLength) }
    /// Offset of the batch's last record.
    @inlinable public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
    /// Offset after the batch's last record.
    @inlinable public var nextOffset: Int64 { lastOffset + 1 }

    /// Reads a header from the first 61 bytes of `bytes`; nil when fewer are there.
    @inlinable
    public init?(parsing bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= RecordBatchHeader.size else { return nil }
        self.init(
            baseOffset: Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: Int64.self)),
            batchLength: Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int32.self)),
            partitionLeaderEpoch: Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 12, as: Int32.self)),
            magic: bytes[16],
            crc: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 17, as: UInt32.self)),
            attributes: Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 21, as: Int16.self)),
            lastOffsetDelta: Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 23, as: Int32.self)),
            firstTimestamp: Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: 27, as: Int64.self)),
            maxTimestamp: Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: 35, as: Int64.self)),
            producerId: Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: 43, as: Int64.self)),
            producerEpoch: Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 51, as: Int16.self)),
            baseSequence: Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 53, as: Int32.self)),
            recordCount: Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: 57, as: Int32.self))
        )
    }

    /// Writes the header into the first 61 bytes of `bytes` (the CRC field as it is in `crc`).
    @inlinable
    public func write(to bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= RecordBatchHeader.size, "batch header needs \(RecordBatchHeader.size) bytes")
        bytes.storeBytes(of: baseOffset.bigEndian, toByteOffset: 0, as: Int64.self)
        bytes.storeBytes(of: batchLength.bigEndian, toByteOffset: 8, as: Int32.self)
        bytes.storeBytes(of: partitionLeaderEpoch.bigEndian, toByteOffset: 12, as: Int32.self)
        bytes[16] = magic
        bytes.storeBytes(of: crc.bigEndian, toByteOffset: 17, as: UInt32.self)
        bytes.storeBytes(of: attributes.bigEndian, toByteOffset: 21, as: Int16.self)
        bytes.storeBytes(of: lastOffsetDelta.bigEndian, toByteOffset: 23, as: Int32.self)
        bytes.storeBytes(of: firstTimestamp.bigEndian, toByteOffset: 27, as: Int64.self)
        bytes.storeBytes(of: maxTimestamp.bigEndian, toByteOffset: 35, as: Int64.self)
        bytes.storeBytes(of: producerId.bigEndian, toByteOffset: 43, as: Int64.self)
        bytes.storeBytes(of: producerEpoch.bigEndian, toByteOffset: 51, as: Int16.self)
        bytes.storeBytes(of: baseSequence.bigEndian, toByteOffset: 53, as: Int32.self)
        bytes.storeBytes(of: recordCount.bigEndian, toByteOffset: 57, as: Int32.self)
    }

    /// Writes this header into the first 61 bytes of `batch` (a whole batch: header space, then records) with
    /// the CRC-32C computed over the batch from the attributes to the end — how a producer seals a batch.
    @inlinable
    public func seal(_ batch: UnsafeMutableRawBufferPointer) {
        precondition(batch.count == totalSize, "seal needs the whole batch: \(batch.count) bytes, header says \(totalSize)")
        write(to: batch)
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: batch[RecordBatchHeader.crcRangeStart...]))
        batch.storeBytes(of: crc.bigEndian, toByteOffset: 17, as: UInt32.self)
    }

    /// Stamps base offset and leader epoch into a batch in place; the CRC stays valid (they precede its range).
    @inlinable
    public static func stamp(
        baseOffset: Int64, leaderEpoch: Int32, into batch: UnsafeMutableRawBufferPointer
    ) {
        precondition(batch.count >= RecordBatchHeader.size, "stamp needs a whole header")
        batch.storeBytes(of: baseOffset.bigEndian, toByteOffset: 0, as: Int64.self)
        batch.storeBytes(of: leaderEpoch.bigEndian, toByteOffset: 12, as: Int32.self)
    }
}
