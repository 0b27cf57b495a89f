import ArgumentParser
import SluiceClient
import SluiceWire

/// `sluice cluster elect-preferred [--topic T]…`: Kafka's `kafka-leader-election.sh --election-type preferred`.
struct ClusterElectPreferredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elect-preferred",
        abstract: "Move leadership back to each partition's preferred (first assigned) replica.",
        discussion: """
            The controller elects the first assigned replica of each partition as its leader where that replica \
            is alive, in sync and not leading already. Prints one line per election made.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("topic"), help: "Only this topic (repeatable; default: every topic).")
    var topics: [String] = []

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let elections = try await client.electLeaders(topics: topics)
            for line in Self.lines(for: elections) { try StandardOutput.print(line) }
        }
    }

    /// Pure formatting: `orders-0: leader 1 (was 2) at leader epoch 3`, or a line saying nothing moved.
    static func lines(for elections: [ElectionResult]) -> [String] {
        guard !elections.isEmpty else { return ["No election needed: every preferred replica that can lead does."] }
        return elections.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.map {
            "\($0.topic)-\($0.partition): leader \($0.leader) (was \($0.previousLeader >= 0 ? "\($0.previousLeader)" : "none")) "
                + "at leader epoch \($0.leaderEpoch)"
        }
    }
}
