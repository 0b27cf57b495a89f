import ArgumentParser
import SluiceWire

/// `sluice`: the admin and data tool for a Sluice cluster, modelled on Kafka's command-line tools.
@main
struct SluiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Administer a Sluice cluster and move records in and out of it.",
        discussion: "Every subcommand takes --bootstrap-server host:port[,host:port…] (default 127.0.0.1:9092).",
        version: SluiceVersion.current,
        subcommands: [
            TopicsCommand.self, ProduceCommand.self, ConsumeCommand.self, GroupsCommand.self, ClusterCommand.self,
            PerfCommand.self,
        ])

    /// Accepts `--bootstrap-server` before the subcommand too (`sluice --bootstrap-server h:p topics list`);
    /// subcommands declare the same option group and receive the value.
    @OptionGroup var global: GlobalOptions
}
