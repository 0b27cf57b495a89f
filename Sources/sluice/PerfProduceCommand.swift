import ArgumentParser
import SluiceClient

/// `sluice perf produce`: Kafka's `kafka-producer-perf-test` for Sluice — same options, same output.
struct PerfProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce generated records as fast as allowed and report throughput and latency.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The topic to produce to.")
    var topic: String

    @Option(name: .customLong("num-records"), help: "How many records to send.")
    var numRecords: Int

    @Option(name: .customLong("record-size"), help: "Bytes per record value.")
    var recordSize: Int

    // .unconditional: `--throughput -1` (Kafka's spelling of "no limit") must not read as an option.
    @Option(parsing: .unconditional, help: "Records per second at most; -1 for no limit.")
    var throughput: Double = -1

    @Option(
        name: .customLong("producer-props"), parsing: .upToNextOption,
        help: "Producer settings key=value: acks, batch.size, linger.ms (and bootstrap.servers).")
    var producerProps: [String] = []

    func validate() throws {
        guard numRecords > 0 else { throw ValidationError("--num-records must be at least 1") }
        guard recordSize > 0 && recordSize <= 16 << 20 else {
            throw ValidationError("--record-size must be between 1 and \(16 << 20) bytes")
        }
        _ = try ProducerProperties(parsing: producerProps)
    }

    func run() async throws {
        let properties = try ProducerProperties(parsing: producerProps)
        var options = global
        if let servers = properties.bootstrapServers { options.bootstrapServer = servers }
        let settings = ProducerPerformance.Settings(
            topic: topic, numRecords: numRecords, recordSize: recordSize, throughput: throughput,
            properties: properties)
        try await CommandRunner.withClient(options, clientId: "perf-producer") { client in
            var performance = try await ProducerPerformance(client: client, settings: settings)
            try await performance.run()
        }
    }
}
