/// A `.timeindex` entry: the largest timestamp seen so far in the segment, and the last offset of
/// the batch that carried it (relative to the segment base).
///
/// Layout (12 bytes, big-endian): timestamp Int64, relative offset UInt32 — Kafka's time index.
struct TimeIndexEntry: IndexEntry {
    static let byteCount = 12
    var timestamp: Int64
    var relativeOffset: UInt32

    init(timestamp: Int64, relativeOffset: UInt32) {
        self.timestamp = timestamp
        self.relativeOffset = relativeOffset
    }

    init(decoding bytes: UnsafeRawBufferPointer) {
        assert(bytes.count >= Self.byteCount)
        timestamp = Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: Int64.self))
        relativeOffset = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    }

    func encode(into bytes: UnsafeMutableRawBufferPointer) {
        assert(bytes.count >= Self.byteCount)
        bytes.storeBytes(of: timestamp.bigEndian, toByteOffset: 0, as: Int64.self)
        bytes.storeBytes(of: relativeOffset.bigEndian, toByteOffset: 8, as: UInt32.self)
    }

    func follows(_ previous: TimeIndexEntry) -> Bool {
        timestamp > previous.timestamp && relativeOffset >= previous.relativeOffset
    }

    func fits(logSizeBytes: Int) -> Bool { logSizeBytes > 0 }
}
