import ArgumentParser

/// `sluice perf produce|crc|append`: throughput and latency measurements.
struct PerfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf", abstract: "Measure producer, checksum and log-append throughput.",
        subcommands: [PerfProduceCommand.self, PerfCrcCommand.self, PerfAppendCommand.self])
}
