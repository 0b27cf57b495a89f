import Testing

@testable import SluiceProducer

/// Kafka's murmur2 (`Utils.murmur2`), checked against Kafka's own published vectors and against output of
/// Kafka's Java code.
@Suite struct Murmur2Tests {
    /// Kafka's `UtilsTest.testMurmur2` cases, verbatim (apache/kafka
    /// `clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java`).
    static let kafkaPublishedVectors: [(key: [UInt8], hash: Int32)] = [
        (Array("21".utf8), -973_932_308),
        (Array("foobar".utf8), -790_332_482),
        (Array("a-little-bit-long-string".utf8), -985_981_536),
        (Array("a-little-bit-longer-string".utf8), -1_486_304_829),
        (Array("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8".utf8), -58_897_971),
        ([UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "c")], 479_470_107),
    ]

    static func hash(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { Murmur2.hash($0) }
    }

    @Test(arguments: kafkaPublishedVectors.indices)
    func hashMatchesKafkasPublishedVector(index: Int) {
        let vector = Self.kafkaPublishedVectors[index]
        #expect(Self.hash(vector.key) == vector.hash, "key \(String(decoding: vector.key, as: UTF8.self))")
    }

    /// Produced by Kafka's Java code: `Utils.murmur2` copied verbatim into a standalone class and run with
    /// OpenJDK 17 (`javac KafkaPartitions.java && java KafkaPartitions`); the keys are below. Covers every
    /// tail length (0–3 bytes after the 4-byte blocks) and bytes ≥ 0x80, which Java sees as negative and
    /// masks with `& 0xff` — a sign-extension bug would show here.
    static let javaComputedHashes: [(key: [UInt8], hash: Int32)] = [
        ([], 275_646_681),
        (Array("a".utf8), -1_563_381_124),
        (Array("ab".utf8), 316_155_434),
        (Array("abcd".utf8), -1_323_649_548),
        (Array("ключ".utf8), 2_122_343_024),
        (Array("キー".utf8), -443_984_012),
        (Array("emoji-😀".utf8), -1_225_718_728),
        (highBitKey(length: 1), 857_690_492),
        (highBitKey(length: 2), 627_719_599),
        (highBitKey(length: 3), 309_046_872),
        (highBitKey(length: 4), -838_711_625),
        (highBitKey(length: 5), -2_136_307_287),
        (highBitKey(length: 6), 847_163_050),
        (highBitKey(length: 7), 1_556_198_382),
        (highBitKey(length: 8), -1_041_061_038),
        (highBitKey(length: 9), -103_652_852),
        ((0...255).map { UInt8($0) }, -1_948_347_274),
    ]

    /// Bytes `0x80 + 17·i` (mod 256) for i in 0..<length, as the Java program built them:
    /// `key[i] = (byte) (0x80 + i * 17)`.
    static func highBitKey(length: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: 0x80 + $0 * 17) }
    }

    @Test(arguments: javaComputedHashes.indices)
    func hashMatchesKafkasJavaImplementation(index: Int) {
        let vector = Self.javaComputedHashes[index]
        #expect(Self.hash(vector.key) == vector.hash, "key bytes \(vector.key)")
    }

    @Test func hashReadsOnlyTheGivenBytes() {
        // The same key inside a larger buffer hashes the same as on its own (no read past the slice).
        let padded: [UInt8] = [0xff, 0x01] + Array("foobar".utf8) + [0x7f, 0x80, 0x00]
        let hash = padded.withUnsafeBytes { Murmur2.hash(UnsafeRawBufferPointer(rebasing: $0[2..<8])) }
        #expect(hash == -790_332_482)
    }

    @Test func toPositiveClearsOnlyTheSignBit() {
        #expect(Murmur2.toPositive(Int32.min) == 0)
        #expect(Murmur2.toPositive(-1) == Int32.max)
        #expect(Murmur2.toPositive(0) == 0)
        #expect(Murmur2.toPositive(Int32.max) == Int32.max)
        #expect(Murmur2.toPositive(42) == 42)
        // Not abs: "foobar" hashes to -790332482, whose toPositive is 2^31 - 790332482.
        #expect(Murmur2.toPositive(-790_332_482) == 1_357_151_166)
    }

    @Test func partitionForKeyIsToPositiveHashModuloCount() {
        let key = Array("foobar".utf8)
        for count in [Int32(1), 2, 3, 7, 100, Int32.max] {
            let partition = key.withUnsafeBytes { Murmur2.partition(forKey: $0, partitionCount: count) }
            #expect(partition == 1_357_151_166 % count, "partition count \(count)")
        }
    }
}
