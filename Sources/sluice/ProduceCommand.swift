import ArgumentParser
import SluiceClient

/// `sluice produce --topic T`: one record per stdin line, like `kafka-console-producer.sh`.
/// Prints nothing on success.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Produce stdin lines as records (one record per line).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The topic to produce to.")
    var topic: String

    @Option(help: "acks: 0, 1, all or -1.")
    var acks = "all"

    @Option(help: "Send every record to this partition (default: by key hash, or sticky round robin).")
    var partition: Int32?

    @Option(name: .customLong("key-separator"), help: "Split each line into key and value at the first occurrence.")
    var keySeparator: String?

    @Option(name: .customLong("batch-size"), help: "batch.size: bytes per batch.")
    var batchSizeBytes = 256 * 1024

    @Option(name: .customLong("linger-ms"), help: "linger.ms: how long a partly filled batch waits for more input.")
    var lingerMs = 5

    @Option(name: .customLong("request-timeout-ms"), help: "How long the leader may wait for acks=all.")
    var timeoutMs: Int32 = 30_000

    func validate() throws {
        _ = try AcksParser.parse(acks)
        if let partition, partition < 0 { throw ValidationError("--partition must not be negative") }
        if let keySeparator, keySeparator.isEmpty { throw ValidationError("--key-separator must not be empty") }
        guard batchSizeBytes >= 1024 && batchSizeBytes <= 64 << 20 else {
            throw ValidationError("--batch-size must be between 1024 and \(64 << 20) bytes")
        }
        guard lingerMs >= 0 else { throw ValidationError("--linger-ms must not be negative") }
    }

    func run() async throws {
        let settings = ConsoleProducer.Settings(
            topic: topic, partition: partition, acks: try AcksParser.parse(acks),
            keySeparator: keySeparator.map { Array($0.utf8) }, batchSizeBytes: batchSizeBytes,
            lingerMs: Int64(lingerMs), timeoutMs: timeoutMs)
        try await CommandRunner.withClient(global, clientId: "console-producer") { client in
            var producer = try await ConsoleProducer(client: client, settings: settings)
            try await producer.run()
        }
    }
}
