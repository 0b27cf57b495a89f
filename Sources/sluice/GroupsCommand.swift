import ArgumentParser
import SluiceClient
import SluiceWire

/// `sluice groups list|describe|reset-offsets`, the shapes of Kafka's `kafka-consumer-groups.sh`. The group APIs
/// travel over Kafka's protocol (the broker serves both on one port).
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "List and describe consumer groups, and reset their committed offsets.",
        subcommands: [GroupsListCommand.self, GroupsDescribeCommand.self, GroupsResetOffsetsCommand.self])

    /// The brokers of the cluster `client` reaches.
    static func brokers(_ client: SluiceClient) async throws -> [BrokerInfo] {
        try await client.describeCluster().brokers.sorted { $0.nodeId < $1.nodeId }
    }
}

/// `sluice groups list`: every group of every broker, one per line (Kafka's `--list`).
struct GroupsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the consumer groups.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            var groups: Set<String> = []
            for broker in try await GroupsCommand.brokers(client) {
                for listed in try await GroupAdmin.listGroups(on: broker) { groups.insert(listed.group) }
            }
            for group in groups.sorted() { try StandardOutput.print(group) }
        }
    }
}

/// `sluice groups describe GROUP`: per partition the committed offset, the log end (high watermark), the lag and
/// the member consuming it, as `kafka-consumer-groups.sh --describe` prints them.
struct GroupsDescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show a group's members, assignment, committed offsets and lag.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The group.")
    var group: String

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let brokers = try await GroupsCommand.brokers(client)
            guard let first = brokers.first else { throw SluiceError(.networkException, "the cluster has no broker") }
            let coordinator = try await GroupAdmin.coordinator(of: group, asking: first)
            let description = try await GroupAdmin.describe(group, on: coordinator)
            let committed = try await GroupAdmin.committedOffsets(group, on: coordinator)
            guard description.state != "Dead" || !committed.isEmpty else {
                throw SluiceError(.groupIdNotFound, "consumer group '\(group)' does not exist")
            }
            var owner: [TopicPartition: GroupAdmin.Member] = [:]
            for member in description.members { for partition in member.assigned { owner[partition] = member } }
            let partitions = Set(committed.keys).union(owner.keys).sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            let topics = try await client.describeTopics(Array(Set(partitions.map(\.topic))).sorted())
            var logEnd: [TopicPartition: Int64] = [:]
            for topic in topics {
                for partition in topic.partitions {
                    logEnd[TopicPartition(topic: topic.name, partition: partition.partition)] = partition.highWatermark
                }
            }
            try StandardOutput.print("")
            if description.members.isEmpty {
                try StandardOutput.print("Consumer group '\(group)' has no active members.")
                try StandardOutput.print("")
            }
            var rows = [["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"]]
            for partition in partitions {
                let current = committed[partition]
                let end = logEnd[partition]
                let lag = current.flatMap { current in end.map { String(max(0, $0 - current)) } } ?? "-"
                let member = owner[partition]
                rows.append([
                    group, partition.topic, String(partition.partition), current.map(String.init) ?? "-",
                    end.map(String.init) ?? "-", lag, member?.memberId ?? "-", member?.clientHost ?? "-",
                    member?.clientId ?? "-",
                ])
            }
            for line in Self.aligned(rows) { try StandardOutput.print(line) }
        }
    }

    /// Columns padded to their widest cell and separated by a space, as Kafka's tool prints them.
    static func aligned(_ rows: [[String]]) -> [String] {
        guard let columns = rows.first?.count else { return [] }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == columns - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: " ")
        }
    }
}

/// `sluice groups reset-offsets --group G --topic T --to-earliest|--to-latest|--to-offset N [--execute]`: Kafka's
/// `--reset-offsets`. Without `--execute` it prints the plan only; the group must have no active members.
struct GroupsResetOffsetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-offsets", abstract: "Move a group's committed offsets (dry run without --execute).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The group.") var group: String
    @Option(help: "The topic whose partitions to reset.") var topic: String
    @Flag(help: "To each partition's log start offset.") var toEarliest = false
    @Flag(help: "To each partition's high watermark.") var toLatest = false
    @Option(help: "To this offset on every partition.") var toOffset: Int64?
    @Flag(help: "Commit the new offsets (without it: print the plan only).") var execute = false

    func validate() throws {
        let chosen = [toEarliest, toLatest, toOffset != nil].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("give exactly one of --to-earliest, --to-latest, --to-offset") }
        if let toOffset, toOffset < 0 { throw ValidationError("--to-offset must not be negative") }
    }

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let brokers = try await GroupsCommand.brokers(client)
            guard let first = brokers.first else { throw SluiceError(.networkException, "the cluster has no broker") }
            let coordinator = try await GroupAdmin.coordinator(of: group, asking: first)
            let description = try await GroupAdmin.describe(group, on: coordinator)
            guard description.members.isEmpty else {
                throw SluiceError(
                    .nonEmptyGroup,
                    "assignments can only be reset if the group '\(group)' is inactive, but the current state is "
                        + "\(description.state)")
            }
            guard let described = try await client.describeTopics([topic]).first, described.errorCode == .none else {
                throw SluiceError(.unknownTopicOrPartition, "topic '\(topic)' does not exist")
            }
            var plan: [TopicPartition: Int64] = [:]
            for partition in described.partitions {
                let target = toEarliest ? partition.logStartOffset : toLatest ? partition.highWatermark : toOffset!
                // Kafka clamps a target outside the log to its nearest end.
                plan[TopicPartition(topic: topic, partition: partition.partition)] =
                    min(max(target, partition.logStartOffset), partition.highWatermark)
            }
            if execute { try await GroupAdmin.commit(plan, group: group, on: coordinator) }
            try StandardOutput.print("")
            var rows = [["GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"]]
            for (partition, offset) in plan.sorted(by: { $0.key.partition < $1.key.partition }) {
                rows.append([group, partition.topic, String(partition.partition), String(offset)])
            }
            for line in GroupsDescribeCommand.aligned(rows) { try StandardOutput.print(line) }
            if !execute {
                StandardError.print("WARN: No action will be performed as the --execute option is missing. Add --execute to reset the offsets.")
            }
        }
    }
}
