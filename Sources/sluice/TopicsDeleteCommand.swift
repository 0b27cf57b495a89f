import ArgumentParser
import SluiceClient
import SluiceWire

/// `sluice topics delete NAME`: prints `Deleted topic NAME.`
struct TopicsDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a topic and its data.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The topic's name.")
    var name: String

    @Flag(name: .customLong("if-exists"), help: "Succeed quietly if the topic does not exist.")
    var ifExists = false

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let results = try await client.deleteTopics([name])
            guard let result = results.first(where: { $0.name == name }) else {
                throw SluiceError(.unknownServerError, "the broker did not answer for topic '\(name)'")
            }
            if result.errorCode == .unknownTopicOrPartition && ifExists { return }
            if result.errorCode == .unknownTopicOrPartition && result.errorMessage.isEmpty {
                throw SluiceError(.unknownTopicOrPartition, "topic '\(name)' does not exist")
            }
            guard result.errorCode == .none else { throw SluiceError(result.errorCode, result.errorMessage) }
            try StandardOutput.print("Deleted topic \(name).")
        }
    }
}
