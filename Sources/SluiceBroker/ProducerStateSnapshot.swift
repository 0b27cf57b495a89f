import NIOCore
import SluiceWire

/// The bytes of a producer-state snapshot file (`<offset>.snapshot`, the offset being the log end offset the
/// state covers), big-endian:
///
/// ```
/// version Int16 (1) | crc UInt32 (CRC-32C of everything after it) | entryCount Int32 |
/// entryCount × { producerId Int64 | producerEpoch Int16 | lastTimestampMs Int64 | batchCount Int8 |
///                batchCount × { firstSequence Int32 | lastSequence Int32 | firstOffset Int64 | lastOffset Int64 } }
/// ```
/// A file that fails any check (version, CRC, counts, bounds, trailing bytes) decodes as nil and is ignored,
/// as Kafka ignores a corrupt snapshot: state is then rebuilt from an older snapshot or the log.
enum ProducerStateSnapshot {
    static let version: Int16 = 1
    /// Bytes before the CRC's range: version and CRC.
    static let crcRangeStart = 6

    /// Encodes `entries` (sorted by producer id, so equal states give equal files).
    static func encode(_ entries: [Int64: ProducerStateEntry]) -> [UInt8] {
        let batchBytes = 24
        let capacity = 10 + entries.count * (19 + ProducerStateEntry.batchesRetained * batchBytes)
        var buffer = ByteBufferAllocator().buffer(capacity: capacity)
        buffer.writeInteger(version)
        buffer.writeInteger(UInt32(0))  // CRC, filled in below
        buffer.writeInteger(Int32(entries.count))
        for producerId in entries.keys.sorted() {
            guard let entry = entries[producerId] else { preconditionFailure("sorted keys come from the dictionary") }
            buffer.writeInteger(entry.producerId)
            buffer.writeInteger(entry.producerEpoch)
            buffer.writeInteger(entry.lastTimestampMs)
            buffer.writeInteger(Int8(entry.batches.count))
            for batch in entry.batches {
                buffer.writeInteger(batch.firstSequence)
                buffer.writeInteger(batch.lastSequence)
                buffer.writeInteger(batch.firstOffset)
                buffer.writeInteger(batch.lastOffset)
            }
        }
        let crc = buffer.withUnsafeReadableBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[crcRangeStart...]))
        }
        buffer.setInteger(crc, at: buffer.readerIndex + 2)
        return Array(buffer.readableBytesView)
    }

    /// The entries of a snapshot file; nil when the bytes are not a valid snapshot.
    static func decode(_ bytes: [UInt8]) -> [Int64: ProducerStateEntry]? {
        var buffer = ByteBuffer(bytes: bytes)
        guard let fileVersion = buffer.readInteger(as: Int16.self), fileVersion == version,
            let crc = buffer.readInteger(as: UInt32.self),
            crc == buffer.withUnsafeReadableBytes({ CRC32C.checksum($0) }),
            let count = buffer.readInteger(as: Int32.self), count >= 0,
            Int(count) <= buffer.readableBytes / 19
        else { return nil }
        var entries: [Int64: ProducerStateEntry] = [:]
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let entry = readEntry(&buffer), entries[entry.producerId] == nil else { return nil }
            entries[entry.producerId] = entry
        }
        guard buffer.readableBytes == 0 else { return nil }
        return entries
    }

    private static func readEntry(_ buffer: inout ByteBuffer) -> ProducerStateEntry? {
        guard let producerId = buffer.readInteger(as: Int64.self), producerId >= 0,
            let producerEpoch = buffer.readInteger(as: Int16.self),
            let lastTimestampMs = buffer.readInteger(as: Int64.self),
            let batchCount = buffer.readInteger(as: Int8.self),
            batchCount >= 0, Int(batchCount) <= ProducerStateEntry.batchesRetained
        else { return nil }
        var batches: [ProducerBatchMetadata] = []
        for _ in 0..<batchCount {
            guard let firstSequence = buffer.readInteger(as: Int32.self),
                let lastSequence = buffer.readInteger(as: Int32.self),
                let firstOffset = buffer.readInteger(as: Int64.self), firstOffset >= 0,
                let lastOffset = buffer.readInteger(as: Int64.self), lastOffset >= firstOffset
            else { return nil }
            batches.append(ProducerBatchMetadata(
                firstSequence: firstSequence, lastSequence: lastSequence, firstOffset: firstOffset,
                lastOffset: lastOffset))
        }
        return ProducerStateEntry(
            producerId: producerId, producerEpoch: producerEpoch, batches: batches, lastTimestampMs: lastTimestampMs)
    }
}
