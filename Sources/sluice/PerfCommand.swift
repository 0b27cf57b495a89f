import ArgumentParser

/// `sluice perf produce|consume|crc|append`: throughput and latency measurements.
struct PerfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf", abstract: "Measure producer, consumer, checksum and log-append throughput.",
        subcommands: [PerfProduceCommand.self, PerfConsumeCommand.self, PerfCrcCommand.self, PerfAppendCommand.self])
}
