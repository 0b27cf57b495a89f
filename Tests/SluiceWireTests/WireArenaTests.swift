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
        withExtendedLifetime(arena) {}
    }

    @Test func repeatedFieldsCarryTheirCountWithTheirArray() throws {
        let arena = WireArena()
        let noStrings = arena.cStrings([])
        #expect(noStrings.count == 0 && noStrings.array == nil)
        let noInts = arena.int32s([])
        #expect(noInts.count == 0 && noInts.array == nil)
        let strings = arena.cStrings(["a", "", "ü"])
        #expect(strings.count == 3)
        let stringArray = try #require(strings.array)
        #expect((0..<3).map { String(cString: stringArray[$0]!) } == ["a", "", "ü"])
        let ints = arena.int32s([-1, 0, Int32.max])
        #expect(ints.count == 3)
        let intArray = try #require(ints.array)
        #expect(Array(UnsafeBufferPointer(start: intArray, count: 3)) == [-1, 0, Int32.max])
        withExtendedLifetime(arena) {}
    }
}
