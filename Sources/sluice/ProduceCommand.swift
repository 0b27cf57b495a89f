import ArgumentParser
import SluiceProducer
import SluiceWire

/// `sluice produce --topic T`: one record per stdin line through the SluiceProducer library, like
/// `kafka-console-producer.sh`. Prints nothing on success.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Produce stdin lines as records (one record per line).",
        discussion: """
            Producer settings: the flags below, and any producer key with --producer-property key=value \
            (repeatable). A flag given on the command line wins over a property for the same key; a property \
            wins over a flag's default (as kafka-console-producer merges them). Defaults differing from the \
            library's: batch.size=262144, client.id=console-producer, and retries=3 (kafka-console-producer's \
            --message-send-max-retries), so a refused record fails in a few hundred milliseconds.
            """)

    /// Defaults of this command, where they differ from the library's (or are flags' defaults).
    static let defaults: [String: String] = [
        "bootstrap.servers": GlobalOptions.defaultBootstrapServer, "client.id": "console-producer", "acks": "all",
        "batch.size": "262144", "linger.ms": "5", "request.timeout.ms": "30000", "retries": "3",
    ]

    @OptionGroup var global: GlobalOptions

    @Option(help: "The topic to produce to.")
    var topic: String

    @Option(help: "acks: 0, 1, all or -1. (default: all)")
    var acks: String?

    @Option(help: "Send every record to this partition (default: by key hash, or sticky).")
    var partition: Int32?

    @Option(name: .customLong("key-separator"), help: "Split each line into key and value at the first occurrence.")
    var keySeparator: String?

    @Option(
        name: .customLong("header"),
        help: ArgumentHelp(
            "A header KEY=VALUE on every record (repeatable, kept in order; KEY alone gives a null value), "
                + "as kcat -H.", valueName: "key=value"))
    var headerArguments: [String] = []

    @Option(name: .customLong("batch-size"), help: "batch.size: bytes per batch. (default: 262144)")
    var batchSizeBytes: Int?

    @Option(
        name: .customLong("linger-ms"),
        help: "linger.ms: how long a partly filled batch waits for more input. (default: 5)")
    var lingerMs: Int?

    @Option(
        name: .customLong("request-timeout-ms"),
        help: ArgumentHelp(
            "request.timeout.ms: how long to wait for a Produce answer (also the leader's wait for acks=all). "
                + "(default: 30000)"))
    var requestTimeoutMs: Int?

    @Flag(
        name: .customLong("report-acks"),
        help: ArgumentHelp(
            "Print one JSON line per record once it is acknowledged or has failed for good (Kafka's "
                + "VerifiableProducer shape: producer_send_success with partition and offset, or producer_send_error "
                + "with the error); a failure does not stop the input, and the exit status is 1 if any record failed."))
    var reportAcks = false

    @Option(
        name: .customLong("producer-property"),
        help: "A producer property key=value, e.g. retries=10 or max.request.size=2097152 (repeatable).")
    var producerProperties: [String] = []

    func validate() throws {
        if let partition, partition < 0 { throw ValidationError("--partition must not be negative") }
        if let keySeparator, keySeparator.isEmpty { throw ValidationError("--key-separator must not be empty") }
        _ = try headers()
        try ProducerProperties.validate(producerConfig())
    }

    /// `--header` arguments as record headers: split at the first `=`; without one, a null value.
    func headers() throws -> [RecordHeader] {
        try headerArguments.map { argument in
            guard let equals = argument.firstIndex(of: "=") else { return RecordHeader(key: argument, value: nil) }
            let key = String(argument[..<equals])
            guard !key.isEmpty else { throw ValidationError("--header '\(argument)' has an empty key") }
            return RecordHeader(key: key, value: Array(argument[argument.index(after: equals)...].utf8))
        }
    }

    /// The producer's properties: defaults < `--producer-property` < flags given explicitly.
    func producerConfig() throws -> [String: String] {
        var flags: [String: String] = [:]
        flags["bootstrap.servers"] = global.explicitBootstrapServer
        if let acks { flags["acks"] = String(try AcksParser.parse(acks)) }
        flags["batch.size"] = batchSizeBytes.map { String($0) }
        flags["linger.ms"] = lingerMs.map { String($0) }
        flags["request.timeout.ms"] = requestTimeoutMs.map { String($0) }
        return try ProducerProperties.merge(
            defaults: Self.defaults, pairs: producerProperties, option: "--producer-property", flags: flags)
    }

    func run() async throws {
        let config = try producerConfig()
        try await CommandRunner.reportingErrors {
            try await TopicPreflight.check(
                topic: topic, partition: partition, bootstrapServers: config["bootstrap.servers"]!,
                clientId: config["client.id"]!)
            // No interceptors: the records borrow stdin's buffer (see BorrowedBytes).
            let producer = try Producer(
                config: config, keySerializer: BorrowedBytesSerializer(), valueSerializer: BorrowedBytesSerializer(),
                interceptors: [])
            let console = ConsoleProducer(
                producer: producer, topic: topic, partition: partition, headers: try headers(),
                keySeparator: keySeparator.map { Array($0.utf8) }, reporter: reportAcks ? AckReporter(topic: topic) : nil)
            try await console.run()
        }
    }
}
