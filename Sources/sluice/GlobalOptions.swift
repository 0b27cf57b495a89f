import ArgumentParser

/// Options every command that talks to a cluster takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("bootstrap-server"),
        help: "Brokers to bootstrap from: host:port, comma-separated for several (tried in order).")
    var bootstrapServer = "127.0.0.1:9092"
}
