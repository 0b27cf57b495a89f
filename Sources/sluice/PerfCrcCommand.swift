import ArgumentParser
import SluiceWire

/// `sluice perf crc`: CRC-32C throughput of the hardware path (SSE4.2) and the portable path
/// (slicing-by-8), one line each, in MB/s (MB = 1024 × 1024 bytes, as Kafka's tools count).
struct PerfCrcCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crc", abstract: "Measure CRC-32C throughput (hardware and portable paths).")

    @Option(name: .customLong("size-bytes"), help: "Bytes per checksum call.")
    var sizeBytes = 65_536

    @Option(name: .customLong("total-mb"), help: "MiB to checksum per path.")
    var totalMegabytes = 2_048

    func validate() throws {
        guard sizeBytes > 0 && sizeBytes <= 1 << 30 else {
            throw ValidationError("--size-bytes must be between 1 and \(1 << 30)")
        }
        guard totalMegabytes > 0 else { throw ValidationError("--total-mb must be at least 1") }
    }

    func run() async throws {
        try await CommandRunner.reportingErrors { try measureBoth() }
    }

    private func measureBoth() throws {
        var bytes = [UInt8](repeating: 0, count: sizeBytes)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let rounds = max(1, totalMegabytes * 1024 * 1024 / sizeBytes)
        let hardware = bytes.withUnsafeBytes { buffer in
            Self.measure(rounds: rounds) { CRC32C.checksum(buffer, continuing: $0) }
        }
        let portable = bytes.withUnsafeBytes { buffer in
            Self.measure(rounds: rounds) { CRC32C.portableChecksum(buffer, continuing: $0) }
        }
        let hardwareLabel =
            CRC32C.usesHardware ? "hardware (SSE4.2)" : "hardware (not available on this CPU; portable used)"
        try StandardOutput.print(
            "CRC32C \(hardwareLabel): \(Self.line(hardware, rounds: rounds, sizeBytes: sizeBytes))")
        try StandardOutput.print(
            "CRC32C portable (slicing-by-8): \(Self.line(portable, rounds: rounds, sizeBytes: sizeBytes))")
    }

    /// Runs `checksum` `rounds` times, chaining the CRC so no call can be skipped; returns seconds.
    static func measure(rounds: Int, _ checksum: (UInt32) -> UInt32) -> (seconds: Double, crc: UInt32) {
        let startedAt = ContinuousClock.now
        var crc: UInt32 = 0
        for _ in 0..<rounds { crc = checksum(crc) }
        let elapsed = ContinuousClock.now - startedAt
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, crc)
    }

    /// `9312.4 MB/s (2048 MiB in 65536-byte buffers, crc 1a2b3c4d)`.
    static func line(_ result: (seconds: Double, crc: UInt32), rounds: Int, sizeBytes: Int) -> String {
        let megabytes = Double(rounds) * Double(sizeBytes) / (1024 * 1024)
        let rate = megabytes / max(result.seconds, 1e-9)
        return "\(FixedPointFormat.format(rate, decimals: 1)) MB/s "
            + "(\(FixedPointFormat.format(megabytes, decimals: 0)) MiB in \(sizeBytes)-byte buffers, "
            + "crc \(String(result.crc, radix: 16)))"
    }
}
