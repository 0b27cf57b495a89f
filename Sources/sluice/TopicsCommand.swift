import ArgumentParser

/// `sluice topics create|list|describe|delete`, like `kafka-topics.sh`.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create, list, describe and delete topics.",
        subcommands: [
            TopicsCreateCommand.self, TopicsListCommand.self, TopicsDescribeCommand.self, TopicsDeleteCommand.self,
        ])
}
