import Testing

@testable import SluiceWire

@Suite struct WireArenaTests {
    @Test func allocationsAreAlignedAndDoNotOverlap() {
        let arena = WireArena()
        var previousEnd: UnsafeMutableRawPointer?
        for (size, alignment) in [(1, 1), (8, 8), (3, 1), (16, 16), (5, 4), (1, 8)] {
            let pointer = arena.allocate(byteCount: size, alignment: alignment)
            #expect(Int(bitPattern: pointer) % alignment == 0)
            if let previousEnd { #expect(pointer >= previousEnd) }
            previousEnd = pointer + size
        }
        withExtendedLifetime(arena) {}
    }

    @Test func allocationsLargerThanAChunkGetTheirOwn() {
        let arena = WireArena()
        let big = arena.allocate(byteCount: 3 * 1024 * 1024, alignment: 8)
        big.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 3 * 1024 * 1024)
        #expect(big.load(fromByteOffset: 3 * 1024 * 1024 - 1, as: UInt8.self) == 0xAB)
        withExtendedLifetime(arena) {}
    }

    @Test func cStringsAreNulTerminatedUTF8() {
        let arena = WireArena()
        for string in ["", "plain", "ünïcødé ✓ 🎉"] {
            let copy = arena.cString(string)
            #expect(String(cString: copy) == string)
        }
        #expect(arena.cStrings([]) == nil)
        #expect(arena.int32s([]) == nil)
        withExtendedLifetime(arena) {}
    }
}
