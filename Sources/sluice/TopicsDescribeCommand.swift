import ArgumentParser
import NIOPosix
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
            let brokers = try await client.describeCluster().brokers
            // With more than one broker, each replica's own LEO and HW come from the broker that holds it.
            let replicas = brokers.count > 1 ? await Self.replicaStates(topics.map(\.name), brokers: brokers) : [:]
            var output = OutputBuffer()
            var failure: SluiceError?
            for topic in topics.sorted(by: { $0.name < $1.name }) {
                guard topic.errorCode == .none else {
                    failure = failure ?? Self.topicError(topic)
                    continue
                }
                for line in TopicDescriptionFormat.lines(for: topic, replicaStates: replicas) {
                    output.append(line)
                    output.append(byte: UInt8(ascii: "\n"))
                }
                try output.flushIfFull()
            }
            try output.flush()
            if let failure { throw failure }
        }
    }

    /// Every broker's own view of its replicas of `topics`, by (topic, partition, broker); a broker that cannot
    /// be reached is left out (its replicas then show as unreachable).
    static func replicaStates(_ topics: [String], brokers: [BrokerInfo]) async -> [TopicDescriptionFormat.ReplicaKey: PartitionDescription] {
        var states: [TopicDescriptionFormat.ReplicaKey: PartitionDescription] = [:]
        for broker in brokers {
            guard let connection = try? await BrokerConnection.connect(
                to: BrokerAddress(broker), clientId: "sluice-cli", group: MultiThreadedEventLoopGroup.singleton,
                connectTimeout: .seconds(2), requestTimeout: .seconds(5))
            else { continue }
            if let response = try? await connection.send(.describeTopics(DescribeTopicsRequest(topics: topics))),
                case .describeTopics(let described) = response.body
            {
                for topic in described.topics {
                    for partition in topic.partitions where partition.logEndOffset >= 0 {
                        states[.init(topic: topic.name, partition: partition.partition, broker: broker.nodeId)] = partition
                    }
                }
            }
            await connection.close()
        }
        return states
    }

    private static func topicError(_ topic: TopicDescription) -> SluiceError {
        if topic.errorCode == .unknownTopicOrPartition {
            return SluiceError(.unknownTopicOrPartition, "topic '\(topic.name)' does not exist")
        }
        return SluiceError(topic.errorCode, "cannot describe topic '\(topic.name)'")
    }
}
