import ArgumentParser
import SluiceClient
import SluiceWire

/// `sluice topics describe [NAME]`: Kafka's `kafka-topics.sh --describe` layout, plus offsets and sizes.
struct TopicsDescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Describe one topic, or every topic.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The topic to describe (default: every topic).")
    var name: String?

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let topics = try await client.describeTopics(name.map { [$0] } ?? [])
            var output = OutputBuffer()
            var failure: SluiceError?
            for topic in topics.sorted(by: { $0.name < $1.name }) {
                guard topic.errorCode == .none else {
                    failure = failure ?? Self.topicError(topic)
                    continue
                }
                for line in TopicDescriptionFormat.lines(for: topic) {
                    output.append(line)
                    output.append(byte: UInt8(ascii: "\n"))
                }
                try output.flushIfFull()
            }
            try output.flush()
            if let failure { throw failure }
        }
    }

    private static func topicError(_ topic: TopicDescription) -> SluiceError {
        if topic.errorCode == .unknownTopicOrPartition {
            return SluiceError(.unknownTopicOrPartition, "topic '\(topic.name)' does not exist")
        }
        return SluiceError(topic.errorCode, "cannot describe topic '\(topic.name)'")
    }
}
