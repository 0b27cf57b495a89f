import NIOCore
import SluiceWire
import Testing

@Suite struct VarintTests {
    static let values: [UInt64] = [
        0, 1, 127, 128, 255, 300, 16_383, 16_384, 2_097_151, 2_097_152, UInt64(UInt32.max), 1 << 56, UInt64.max,
    ]

    @Test func writeThenReadRoundTripsAndSizeMatches() throws {
        for value in Self.values {
            var buffer = ByteBuffer(bytes: [0xEE, 0xEE])  // a prefix, so reads start at a non-zero position
            Varint.write(value, to: &buffer)
            #expect(buffer.readableBytes - 2 == Varint.size(value), "size of \(value)")
            let read = try #require(buffer.withUnsafeReadableBytes { Varint.read($0, at: 2) })
            #expect(read.value == value)
            #expect(read.length == Varint.size(value))
        }
    }

    @Test func sizesFollowSevenBitGroups() {
        #expect(Varint.size(0) == 1)
        #expect(Varint.size(127) == 1)
        #expect(Varint.size(128) == 2)
        #expect(Varint.size(UInt64.max) == 10)
    }

    @Test func elevenByteVarintIsRefused() {
        let bytes: [UInt8] = Array(repeating: 0x80, count: 10) + [0x00]
        #expect(bytes.withUnsafeBytes { Varint.read($0, at: 0) } == nil)
    }

    @Test func varintCutShortIsRefused() {
        #expect([UInt8]([0x80, 0x80]).withUnsafeBytes { Varint.read($0, at: 0) } == nil)
        #expect([UInt8]().withUnsafeBytes { Varint.read($0, at: 0) } == nil)
        #expect([UInt8]([0x01]).withUnsafeBytes { Varint.read($0, at: 1) } == nil)
    }
}
