import ArgumentParser
import SluiceClient
import SluiceWire

/// `sluice consume --topic T`: prints record values one per line, like `kafka-console-consumer.sh`.
/// Starts at the end of each partition unless told otherwise; runs until --max-messages, --timeout-ms
/// without records, SIGINT or SIGTERM (exit 0), then prints `Processed a total of N messages` to stderr.
/// A broker restart is ridden out (reconnecting with back-off; with --timeout-ms it gives up, exit 1, once
/// no record has arrived for that long); an offset reset is reported ("Resetting offset for partition …");
/// a deleted topic ends the run with exit 1 ("topic T was deleted"). A broker that is unreachable when the
/// command starts fails it at once ("is sluiced running?"): only a consumer that got going waits for one.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume", abstract: "Print records from a topic, one value per line.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The topic to consume.")
    var topic: String

    @Flag(name: .customLong("from-beginning"), help: "Start at the earliest offset (default: latest).")
    var fromBeginning = false

    @Option(help: "Start offset: a number (needs --partition), earliest or latest.")
    var offset: String?

    @Option(help: "Consume only this partition (default: all).")
    var partition: Int32?

    @Option(name: .customLong("max-messages"), help: "Exit after this many records.")
    var maxMessages: Int?

    @Flag(name: .customLong("print-key"), help: "Print the key, a TAB, then the value.")
    var printKey = false

    @Flag(name: .customLong("print-offset"), help: "Prefix each record with Partition:P<TAB>Offset:O<TAB>.")
    var printOffset = false

    @Flag(
        name: .customLong("print-timestamp"),
        help: "Prefix each record with CreateTime:<ms since the epoch><TAB> (Kafka's print.timestamp).")
    var printTimestamp = false

    @Flag(
        name: .customLong("print-headers"),
        help: "Print the headers (key:value, comma-separated; NO_HEADERS when none), a TAB, before key and value.")
    var printHeaders = false

    @Option(
        name: .customLong("timeout-ms"),
        help: "Exit when no record arrives for this long (also bounds waiting for a lost broker).")
    var timeoutMs: Int?

    func validate() throws {
        if fromBeginning && offset != nil {
            throw ValidationError("--from-beginning and --offset cannot be used together")
        }
        if let offset, case .exactly = try StartOffset(parsing: offset), partition == nil {
            throw ValidationError("--offset with a number needs --partition")
        }
        if let partition, partition < 0 { throw ValidationError("--partition must not be negative") }
        if let maxMessages, maxMessages < 1 { throw ValidationError("--max-messages must be at least 1") }
        if let timeoutMs, timeoutMs < 1 { throw ValidationError("--timeout-ms must be at least 1") }
    }

    func run() async throws {
        let start = try offset.map(StartOffset.init(parsing:)) ?? (fromBeginning ? .earliest : .latest)
        let settings = ConsoleConsumer.Settings(
            topic: topic, partition: partition, start: start, resetToEarliest: fromBeginning || start == .earliest,
            maxMessages: maxMessages, timeoutMs: timeoutMs.map(Int64.init),
            format: RecordFormat(
                printOffset: printOffset, printKey: printKey, printTimestamp: printTimestamp,
                printHeaders: printHeaders))
        let interrupt = InterruptFlag()
        try await CommandRunner.withClient(global, clientId: "console-consumer") { client in
            var consumer = ConsoleConsumer(client: client, settings: settings, interrupt: interrupt)
            // The total is printed however the run ends (Kafka prints it in a `finally`), before any error line.
            do {
                _ = try await consumer.run()
            } catch {
                StandardError.print("Processed a total of \(consumer.processedCount) messages")
                throw error
            }
            StandardError.print("Processed a total of \(consumer.processedCount) messages")
        }
    }
}
