import ArgumentParser
import SluiceStorage

/// `sluice perf append`: log append throughput of `SluiceStorage` on a directory, in MB/s.
struct PerfAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append", abstract: "Measure log append throughput in a directory.")

    @Option(help: "Directory for the benchmark's log (created if needed).")
    var dir: String

    @Option(name: .customLong("batch-bytes"), help: "Bytes per appended batch.")
    var batchBytes = 65_536

    @Option(name: .customLong("total-mb"), help: "MiB to append in total.")
    var totalMegabytes = 1_024

    func validate() throws {
        guard batchBytes >= 128 && batchBytes <= 64 << 20 else {
            throw ValidationError("--batch-bytes must be between 128 and \(64 << 20)")
        }
        guard totalMegabytes > 0 else { throw ValidationError("--total-mb must be at least 1") }
    }

    func run() async throws {
        try await CommandRunner.reportingErrors {
            let result = try LogAppendBenchmark.run(
                directory: dir, batchBytes: batchBytes, totalBytes: totalMegabytes * 1024 * 1024)
            let megabytes = Double(result.bytes) / (1024 * 1024)
            let rate = megabytes / max(result.seconds, 1e-9)
            try StandardOutput.print(
                "Log append: \(FixedPointFormat.format(rate, decimals: 1)) MB/s "
                    + "(\(FixedPointFormat.format(megabytes, decimals: 0)) MiB in \(batchBytes)-byte batches, "
                    + "\(FixedPointFormat.format(result.seconds, decimals: 2)) s)")
        }
    }
}
