import ArgumentParser
import SluiceClient
import SluiceWire

/// `sluice cluster describe`: cluster id, controller, metadata store, then one line per broker.
struct ClusterDescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show the cluster id, controller, metadata store and brokers.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await CommandRunner.withClient(global) { client in
            let cluster = try await client.describeCluster()
            for line in Self.lines(for: cluster) { try StandardOutput.print(line) }
        }
    }

    /// Pure formatting, e.g. `Cluster ID: abc`, `Controller: 1`, `Metadata store: embedded`,
    /// `Brokers: 1`, `  1 127.0.0.1:9092 (controller)`.
    static func lines(for cluster: DescribeClusterResponse) -> [String] {
        var lines = [
            "Cluster ID: \(cluster.clusterId)",
            "Controller: \(cluster.controllerId >= 0 ? "\(cluster.controllerId)" : "none")",
            "Metadata store: \(cluster.metadataStore)",
            "Brokers: \(cluster.brokers.count)",
        ]
        for broker in cluster.brokers.sorted(by: { $0.nodeId < $1.nodeId }) {
            let address =
                broker.host.contains(":") ? "[\(broker.host)]:\(broker.port)" : "\(broker.host):\(broker.port)"
            let role = broker.nodeId == cluster.controllerId ? " (controller)" : ""
            lines.append("  \(broker.nodeId) \(address)\(role)")
        }
        return lines
    }
}
