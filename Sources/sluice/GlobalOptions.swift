import ArgumentParser

/// Options every command that talks to a cluster takes.
struct GlobalOptions: ParsableArguments {
    /// Used when `--bootstrap-server` is not given (and, for the producers, no `bootstrap.servers` property).
    static let defaultBootstrapServer = "127.0.0.1:9092"

    /// Optional so the producer commands can tell an explicit flag (it wins over a `bootstrap.servers`
    /// property) from the default (a property wins over it), as Kafka's tools merge options.
    @Option(
        name: .customLong("bootstrap-server"),
        help: ArgumentHelp(
            "Brokers to bootstrap from: host:port, comma-separated for several (tried in order). "
                + "(default: \(GlobalOptions.defaultBootstrapServer))"))
    var explicitBootstrapServer: String?

    /// The brokers to bootstrap from: the flag, or the default.
    var bootstrapServer: String { explicitBootstrapServer ?? Self.defaultBootstrapServer }
}
