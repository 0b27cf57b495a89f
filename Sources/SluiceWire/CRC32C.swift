import CSluiceCRC

/// CRC-32C (Castagnoli), the checksum of Kafka's v2 record batches and of Sluice's.
///
/// Uses the SSE4.2 `crc32` instruction where the CPU has it (≈ 9 GB/s here), a slicing-by-8 table
/// otherwise (≈ 1.9 GB/s). `CRC32C.checksum("123456789")` is `0xE3069283`.
public enum CRC32C {
    /// The CRC of `bytes`, continuing from `crc` (0 to start).
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return sluice_crc32c_update(crc, base, bytes.count)
    }

    /// The CRC of a byte sequence (convenience for tests and cold paths).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let array = Array(bytes)
        return array.withUnsafeBytes { checksum($0) }
    }

    /// The portable slicing-by-8 path, whatever the CPU; for tests and the benchmark.
    public static func portableChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return sluice_crc32c_update_portable(crc, base, bytes.count)
    }

    /// Whether the hardware instruction is in use on this CPU.
    public static var usesHardware: Bool { sluice_crc32c_hardware() != 0 }
}
