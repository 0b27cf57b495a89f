import ArgumentParser

/// `sluice perf consume`: Kafka's `kafka-consumer-perf-test` for Sluice — its options where they apply and
/// its CSV line: `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
/// rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`.
struct PerfConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Consume a topic as fast as possible and report throughput.",
        discussion: """
            Reads from the earliest offset (--from-latest: the latest) of every partition, or of --partitions, \
            with --threads fetch loops, each on its own connection with its share of the partitions, until \
            --messages records have been read or --timeout ms pass without one. MB counts key and value bytes \
            (1 MB = 1,048,576 bytes), as Kafka's tool does. Without --group, rebalance.time.ms is the time to look \
            up the partitions and their start offsets, and fetch.time.ms the rest. With --group, the tool joins \
            that consumer group over Kafka's protocol (the range assignor; other members may be any Kafka \
            consumer): it reads the partitions the group assigns it from the group's committed offsets (else \
            the earliest, or the latest with --from-latest), rejoins when the group rebalances, commits where it \
            got to at the end of each generation and leaves at the end; rebalance.time.ms is the time spent joining.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The topic to consume.")
    var topic: String

    @Option(help: "How many records to consume.")
    var messages: Int64

    @Option(help: "Fetch loops, each with its own connection and a share of the partitions.")
    var threads: Int = 1

    @Option(help: "Partitions to consume, comma-separated (default: all).")
    var partitions: String?

    @Option(name: .customLong("fetch-size"), help: "Bytes per partition per fetch (max.partition.fetch.bytes).")
    var fetchSize: Int32 = 1_048_576

    @Option(help: "Stop when no record arrives for this many milliseconds.")
    var timeout: Int64 = 10_000

    @Option(help: "A consumer group to join (Kafka's classic protocol); the group assigns the partitions.")
    var group: String?

    @Flag(name: .customLong("from-latest"), help: "Start at the latest offset instead of the earliest.")
    var fromLatest = false

    @Flag(name: .customLong("hide-header"), help: "Do not print the header line.")
    var hideHeader = false

    func validate() throws {
        guard messages > 0 else { throw ValidationError("--messages must be at least 1") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        guard fetchSize > 0 else { throw ValidationError("--fetch-size must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1") }
        _ = try partitionList()
        if let group {
            guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
            guard partitions == nil else { throw ValidationError("--partitions and --group exclude each other: the group assigns") }
        }
    }

    /// `--partitions` parsed; nil for all.
    func partitionList() throws -> [Int32]? {
        guard let partitions else { return nil }
        var list: [Int32] = []
        for item in partitions.split(separator: ",", omittingEmptySubsequences: false) {
            let text = item.trimmingPrefix(while: { $0 == " " })
            guard let number = Int32(text), number >= 0 else {
                throw ValidationError("--partitions takes partition numbers separated by commas, not '\(partitions)'")
            }
            guard !list.contains(number) else { throw ValidationError("--partitions names \(number) twice") }
            list.append(number)
        }
        return list
    }

    func run() async throws {
        let settings = ConsumerPerformance.Settings(
            topic: topic, messages: messages, threads: threads, partitions: try partitionList(),
            fetchSizeBytes: fetchSize, timeoutMs: timeout, fromLatest: fromLatest, printHeader: !hideHeader,
            group: group)
        try await CommandRunner.reportingErrors {
            try await ConsumerPerformance(bootstrapServers: global.bootstrapServer, settings: settings).run()
        }
    }
}
