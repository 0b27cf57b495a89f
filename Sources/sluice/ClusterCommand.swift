import ArgumentParser

/// `sluice cluster describe`.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Inspect the cluster.", subcommands: [ClusterDescribeCommand.self])
}
