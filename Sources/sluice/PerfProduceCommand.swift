import ArgumentParser
import SluiceProducer

/// `sluice perf produce`: Kafka's `kafka-producer-perf-test` for Sluice — same options, same output,
/// through the SluiceProducer library.
struct PerfProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce generated records as fast as allowed and report throughput and latency.",
        discussion: """
            --producer-props takes any producer key (acks, linger.ms, batch.size, buffer.memory, \
            enable.idempotence, …; the library's defaults otherwise: acks=all, linger.ms=5, batch.size=16384). \
            bootstrap.servers there wins over the default of --bootstrap-server; a --bootstrap-server given \
            on the command line wins over it.
            """)

    /// Defaults of this command, where they differ from the library's.
    static let defaults: [String: String] = [
        "bootstrap.servers": GlobalOptions.defaultBootstrapServer, "client.id": "perf-producer-client",
    ]

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
        help: "Producer properties key=value … (any producer key).")
    var producerProps: [String] = []

    @Flag(
        name: .customLong("print-metrics"),
        help: "Print the producer's metrics (Prometheus text format) after the final line.")
    var printMetrics = false

    func validate() throws {
        guard numRecords > 0 else { throw ValidationError("--num-records must be at least 1") }
        guard recordSize > 0 && recordSize <= 16 << 20 else {
            throw ValidationError("--record-size must be between 1 and \(16 << 20) bytes")
        }
        try ProducerProperties.validate(producerConfig())
    }

    /// The producer's properties: defaults < `--producer-props` < an explicit `--bootstrap-server`.
    func producerConfig() throws -> [String: String] {
        var flags: [String: String] = [:]
        flags["bootstrap.servers"] = global.explicitBootstrapServer
        return try ProducerProperties.merge(
            defaults: Self.defaults, pairs: producerProps, option: "--producer-props", flags: flags)
    }

    func run() async throws {
        let config = try producerConfig()
        let settings = ProducerPerformance.Settings(
            topic: topic, numRecords: numRecords, recordSize: recordSize, throughput: throughput,
            printMetrics: printMetrics)
        try await CommandRunner.reportingErrors {
            try await TopicPreflight.check(
                topic: topic, partition: nil, bootstrapServers: config["bootstrap.servers"]!,
                clientId: config["client.id"]!)
            // No interceptors: the records borrow the payload buffer (see BorrowedBytes).
            let producer = try Producer(
                config: config, keySerializer: BorrowedBytesSerializer(), valueSerializer: BorrowedBytesSerializer(),
                interceptors: [])
            try await ProducerPerformance(producer: producer, settings: settings).run()
        }
    }
}
