import ArgumentParser
import SluiceClient
import SluiceWire

/// `sluice topics create NAME`: prints `Created topic NAME.`
struct TopicsCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a topic.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The topic's name.")
    var name: String

    @Option(help: "Number of partitions (default: the broker's num.partitions).")
    var partitions: Int32?

    @Option(
        name: .customLong("replication-factor"),
        help: "Replicas per partition (default: the broker's default.replication.factor).")
    var replicationFactor: Int32?

    @Option(name: .customLong("config"), help: "A topic config override key=value; repeat for several.")
    var configs: [String] = []

    @Flag(name: .customLong("if-not-exists"), help: "Succeed quietly if the topic already exists.")
    var ifNotExists = false

    func validate() throws {
        if let partitions, partitions < 1 {
            throw ValidationError("--partitions must be at least 1, not \(partitions)")
        }
        if let replicationFactor, replicationFactor < 1 {
            throw ValidationError("--replication-factor must be at least 1, not \(replicationFactor)")
        }
        _ = try KeyValueParser.parse(configs, option: "--config")
    }

    func run() async throws {
        let topic = CreatableTopic(
            name: name, numPartitions: partitions ?? -1, replicationFactor: replicationFactor ?? -1,
            configs: try KeyValueParser.parse(configs, option: "--config"))
        try await CommandRunner.withClient(global) { client in
            let results = try await client.createTopics([topic])
            guard let result = results.first(where: { $0.name == name }) else {
                throw SluiceError(.unknownServerError, "the broker did not answer for topic '\(name)'")
            }
            if result.errorCode == .topicAlreadyExists && ifNotExists { return }
            guard result.errorCode == .none else { throw SluiceError(result.errorCode, result.errorMessage) }
            try StandardOutput.print("Created topic \(name).")
        }
    }
}
