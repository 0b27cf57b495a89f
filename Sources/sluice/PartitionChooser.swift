/// Chooses a partition per record for the CLI's simple producer.
///
/// Explicit partition as given; a key → a stable hash of the key modulo the partition count; no key →
/// sticky: one partition until its batch is sealed, then the next one (round robin). The producer
/// issue replaces the key hash with Kafka's murmur2 (`toPositive(murmur2(key)) % partitions`), so keyed
/// records land where Kafka's Java client would put them; until then FNV-1a keeps keys stable across runs.
struct PartitionChooser {
    enum Mode {
        case fixed(Int32)
        case automatic
    }

    let mode: Mode
    let partitionCount: Int32
    private(set) var stickyPartition: Int32

    init(mode: Mode, partitionCount: Int32, firstStickyPartition: Int32) {
        precondition(partitionCount > 0, "a topic has at least one partition")
        precondition((0..<partitionCount).contains(firstStickyPartition), "sticky partition out of range")
        self.mode = mode
        self.partitionCount = partitionCount
        self.stickyPartition = firstStickyPartition
    }

    /// The partition for a record with `key` (nil: no key).
    func partition(forKey key: UnsafeRawBufferPointer?) -> Int32 {
        switch mode {
        case .fixed(let partition):
            return partition
        case .automatic:
            guard let key else { return stickyPartition }
            return Int32(Self.fnv1a(key) & 0x7fff_ffff) % partitionCount
        }
    }

    /// A batch of `partition` was sealed: unkeyed records move on to the next partition.
    mutating func batchSealed(partition: Int32) {
        if partition == stickyPartition { stickyPartition = (stickyPartition + 1) % partitionCount }
    }

    /// 32-bit FNV-1a: stable across processes (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }
}
