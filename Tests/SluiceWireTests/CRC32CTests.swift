import SluiceWire
import Testing

@Suite struct CRC32CTests {
    /// RFC 3720 appendix B.4; the RFC prints each CRC least significant byte first.
    static let rfc3720Vectors: [(name: String, bytes: [UInt8], crc: UInt32)] = [
        ("32 bytes of zeroes", [UInt8](repeating: 0x00, count: 32), 0x8A91_36AA),
        ("32 bytes of ones", [UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ("32 incrementing bytes", (0..<32).map { UInt8($0) }, 0x46DD_794E),
        ("32 decrementing bytes", (0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
        (
            "iSCSI SCSI Read (10) command PDU",
            [
                0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
                0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ],
            0xD996_3A56
        ),
    ]

    @Test func matchesRFC3720Vectors() {
        for vector in Self.rfc3720Vectors {
            #expect(CRC32C.checksum(vector.bytes) == vector.crc, "\(vector.name)")
        }
    }

    @Test func portablePathMatchesRFC3720Vectors() {
        for vector in Self.rfc3720Vectors {
            let crc = vector.bytes.withUnsafeBytes { CRC32C.portableChecksum($0) }
            #expect(crc == vector.crc, "\(vector.name)")
        }
    }

    @Test func checkValueOfDigitsIsE3069283() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.portableChecksum($0) } == 0xE306_9283)
    }

    @Test func emptyInputReturnsTheRunningValue() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum(UnsafeRawBufferPointer(start: nil, count: 0), continuing: 0x1234_5678) == 0x1234_5678)
        #expect(CRC32C.portableChecksum(UnsafeRawBufferPointer(start: nil, count: 0), continuing: 42) == 42)
    }

    /// Lengths 0…300 and every start alignment 0…15, then a few large sizes: the SSE4.2 path has separate
    /// head, 8-byte and tail loops, and the portable path an 8-byte loop, so all remainders matter.
    @Test func hardwareAndPortablePathsAgreeOnRandomBuffers() {
        var random = SplitMix64(seed: 0x5EED_C0DE)
        let pool = random.bytes(70_000)
        pool.withUnsafeBytes { all in
            for length in 0...300 {
                for alignment in 0..<16 {
                    let slice = UnsafeRawBufferPointer(rebasing: all[alignment..<(alignment + length)])
                    #expect(
                        CRC32C.checksum(slice) == CRC32C.portableChecksum(slice), "length \(length) at +\(alignment)")
                }
            }
            for length in [4095, 4096, 4097, 65_535, 65_536, 65_537] {
                let slice = UnsafeRawBufferPointer(rebasing: all[3..<(3 + length)])
                #expect(CRC32C.checksum(slice) == CRC32C.portableChecksum(slice), "length \(length)")
            }
        }
    }

    @Test func continuingASplitComputationEqualsOneShot() {
        var random = SplitMix64(seed: 7)
        let bytes = random.bytes(257)
        bytes.withUnsafeBytes { all in
            let oneShot = CRC32C.checksum(all)
            for split in 0...all.count {
                let head = UnsafeRawBufferPointer(rebasing: all[..<split])
                let tail = UnsafeRawBufferPointer(rebasing: all[split...])
                #expect(CRC32C.checksum(tail, continuing: CRC32C.checksum(head)) == oneShot, "split at \(split)")
                let portable = CRC32C.portableChecksum(tail, continuing: CRC32C.portableChecksum(head))
                #expect(portable == oneShot, "portable split at \(split)")
            }
        }
    }
}
