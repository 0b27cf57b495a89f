import ArgumentParser

/// `sluice cluster describe`, `sluice cluster elect-preferred`.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Inspect the cluster and move leadership.",
        subcommands: [ClusterDescribeCommand.self, ClusterElectPreferredCommand.self, ClusterVerifyReplicasCommand.self])
}
