/// Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), byte for byte, so a keyed record
/// lands on the partition Kafka's Java client would choose: `toPositive(murmur2(key)) % partitions`.
public enum Murmur2 {
    /// The 32-bit murmur2 hash with Kafka's seed 0x9747b28c, as Java's signed int.
    @inlinable
    public static func hash(_ data: UnsafeRawBufferPointer) -> Int32 {
        let length = data.count
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: length)
        let length4 = length / 4
        for i in 0..<length4 {
            let i4 = i * 4
            var k = UInt32(data[i4]) | UInt32(data[i4 + 1]) << 8 | UInt32(data[i4 + 2]) << 16 | UInt32(data[i4 + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = length & ~3
        let rest = length % 4
        if rest == 3 { h ^= UInt32(data[tail + 2]) << 16 }
        if rest >= 2 { h ^= UInt32(data[tail + 1]) << 8 }
        if rest >= 1 {
            h ^= UInt32(data[tail])
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which overflows on Int32.min).
    @inlinable
    public static func toPositive(_ value: Int32) -> Int32 { value & 0x7fff_ffff }

    /// The partition Kafka's default partitioner picks for a non-null key.
    @inlinable
    public static func partition(forKey key: UnsafeRawBufferPointer, partitionCount: Int32) -> Int32 {
        precondition(partitionCount > 0, "a topic has at least one partition")
        return toPositive(hash(key)) % partitionCount
    }
}
