/// An `.index` entry: the last offset of a batch (relative to the segment base) and the batch's file position.
///
/// Layout (8 bytes, big-endian): relative offset UInt32, position UInt32 — Kafka's offset index.
struct OffsetIndexEntry: IndexEntry {
    static let byteCount = 8
    var relativeOffset: UInt32
    var position: UInt32

    init(relativeOffset: UInt32, position: UInt32) {
        self.relativeOffset = relativeOffset
        self.position = position
    }

    init(decoding bytes: UnsafeRawBufferPointer) {
        assert(bytes.count >= Self.byteCount)
        relativeOffset = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        position = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
    }

    func encode(into bytes: UnsafeMutableRawBufferPointer) {
        assert(bytes.count >= Self.byteCount)
        bytes.storeBytes(of: relativeOffset.bigEndian, toByteOffset: 0, as: UInt32.self)
        bytes.storeBytes(of: position.bigEndian, toByteOffset: 4, as: UInt32.self)
    }

    func follows(_ previous: OffsetIndexEntry) -> Bool {
        relativeOffset > previous.relativeOffset && position > previous.position
    }

    func fits(logSizeBytes: Int) -> Bool { Int(position) < logSizeBytes }
}
