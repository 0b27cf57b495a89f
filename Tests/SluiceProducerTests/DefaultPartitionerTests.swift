import Testing

@testable import SluiceProducer

/// Kafka's default (built-in) partitioning for keyed records, and nil (sticky) for records without a key.
@Suite struct DefaultPartitionerTests {
    /// Expected partitions for partition counts 1, 3, 6, 7, 12 and 100, computed with Kafka's own code:
    /// `Utils.murmur2` and `Utils.toPositive` copied verbatim from apache/kafka into a standalone Java
    /// class that prints `toPositive(murmur2(key.getBytes(UTF_8))) % n` (as `BuiltInPartitioner
    /// .partitionForKey` does), compiled and run with OpenJDK 17. Nothing here comes from the Swift code.
    static let partitionCounts: [Int32] = [1, 3, 6, 7, 12, 100]
    static let javaComputedPartitions: [(key: String, partitions: [Int32])] = [
        ("", [0, 0, 3, 2, 9, 81]),
        ("a", [0, 1, 4, 5, 4, 24]),
        ("ab", [0, 2, 2, 0, 2, 34]),
        ("abc", [0, 0, 3, 4, 3, 7]),
        ("abcd", [0, 2, 2, 5, 8, 0]),
        ("user-1", [0, 2, 2, 3, 8, 28]),
        ("user-42", [0, 1, 4, 1, 4, 60]),
        ("order:2024-0001", [0, 2, 2, 2, 2, 18]),
        ("customer-99999", [0, 0, 3, 1, 3, 15]),
        ("ключ", [0, 2, 2, 4, 8, 24]),
        ("キー", [0, 0, 0, 6, 0, 36]),
        ("emoji-😀", [0, 1, 4, 6, 4, 20]),
    ]

    private func partition(
        _ partitioner: some Partitioner, key: [UInt8]?, value: [UInt8]? = nil, partitionCount: Int32
    ) -> Int32? {
        func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
            guard let bytes else { return body(nil) }
            return bytes.withUnsafeBytes { body($0) }
        }
        return withOptionalBytes(key) { keyBuffer in
            withOptionalBytes(value) { valueBuffer in
                partitioner.partition(
                    topic: "orders", key: keyBuffer, value: valueBuffer, partitionCount: partitionCount)
            }
        }
    }

    @Test(arguments: javaComputedPartitions.indices)
    func keyedRecordsGoWhereKafkasJavaClientSendsThem(index: Int) {
        let expected = Self.javaComputedPartitions[index]
        for (count, expectedPartition) in zip(Self.partitionCounts, expected.partitions) {
            let chosen = partition(DefaultPartitioner(), key: Array(expected.key.utf8), partitionCount: count)
            #expect(chosen == expectedPartition, "key \"\(expected.key)\" among \(count) partitions")
        }
    }

    @Test func recordWithoutKeyIsLeftToTheStickyPartitioner() {
        #expect(partition(DefaultPartitioner(), key: nil, value: Array("v".utf8), partitionCount: 6) == nil)
        #expect(partition(DefaultPartitioner(), key: nil, value: nil, partitionCount: 1) == nil)
    }

    @Test func emptyKeyIsAKeyNotANullKey() {
        // Kafka hashes a zero-length key like any other; only a null key is sticky.
        #expect(partition(DefaultPartitioner(), key: [], partitionCount: 100) == 81)
    }

    @Test func sameKeyAlwaysGoesToTheSamePartition() {
        let partitioner = DefaultPartitioner()
        let key = Array("customer-99999".utf8)
        let first = partition(partitioner, key: key, value: Array("one".utf8), partitionCount: 12)
        #expect(first == 3)
        for round in 0..<100 {
            let value = Array("value-\(round)".utf8)
            #expect(partition(partitioner, key: key, value: value, partitionCount: 12) == first)
        }
        #expect(partition(DefaultPartitioner(), key: key, partitionCount: 12) == first)
    }

    @Test func valueAndTopicDoNotChangeAKeyedPartition() {
        let key = Array("user-42".utf8)
        let partitioner = DefaultPartitioner()
        let keyed = key.withUnsafeBytes { keyBuffer in
            ["orders", "payments", ""].map { topic in
                partitioner.partition(topic: topic, key: keyBuffer, value: nil, partitionCount: 7)
            }
        }
        #expect(keyed == [1, 1, 1])
    }

    @Test func everyKeyLandsInsideTheTopic() {
        // Deterministic pseudo-random keys (SplitMix64-style), lengths 0-40, many partition counts.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let partitioner = DefaultPartitioner()
        for _ in 0..<2_000 {
            let length = Int(next() % 41)
            let key = (0..<length).map { _ in UInt8(truncatingIfNeeded: next()) }
            let count = Int32(next() % 1_000) + 1
            let chosen = partition(partitioner, key: key, partitionCount: count)
            #expect(chosen.map { (0..<count).contains($0) } == true, "key \(key) among \(count)")
        }
    }

    @Test func zeroPartitionsIsABug() async {
        await #expect(processExitsWith: .failure) {
            let key: [UInt8] = [1, 2, 3]
            _ = key.withUnsafeBytes {
                DefaultPartitioner().partition(topic: "t", key: $0, value: nil, partitionCount: 0)
            }
        }
    }
}
