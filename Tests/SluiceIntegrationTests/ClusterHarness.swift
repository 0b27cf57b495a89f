import Foundation
import SluiceClient
import SluiceTestSupport
import SluiceWire
import Testing

/// A real etcd (free ports, fast timings) and `count` real `sluiced` processes joined through it, with the
/// test-fast settings of testing.md: a 1 s broker lease, `replica.lag.time.max.ms=1000`. Brokers are numbered
/// 1...count; each can be killed, paused, stopped and restarted on its data directory and port. Everything it
/// started is stopped by PID in ``shutdown()`` (and by the processes' own deinit if a test forgot).
final class ClusterHarness: @unchecked Sendable {
    let etcd: EtcdProcess
    private(set) var brokers: [Int32: BrokerProcess] = [:]
    private var ports: [Int32: Int] = [:]
    private var dataDirs: [Int32: String] = [:]
    let extraOverrides: [String]

    /// Overrides every broker gets (the cluster tests' fast timings).
    static let fastOverrides = [
        "broker.session.timeout.ms=1000", "broker.heartbeat.interval.ms=200", "replica.lag.time.max.ms=1000",
        "replica.fetch.wait.max.ms=200", "replica.fetch.backoff.ms=100", "default.replication.factor=3",
        "auto.leader.rebalance.enable=false", "shutdown.timeout.ms=15000",
    ]

    init(brokers count: Int32 = 3, overrides: [String] = []) async throws {
        etcd = try await EtcdProcess()
        extraOverrides = overrides
        for id in 1...count {
            dataDirs[id] = BrokerProcess.makeTempDir("sluice-cluster-\(id)")
            try start(id)
        }
    }

    /// Starts (or restarts) broker `id` on its data directory and port, and waits until it is ready.
    func start(_ id: Int32, environment: [String: String] = [:]) throws {
        let broker = try BrokerProcess(
            dataDir: dataDirs[id]!,
            overrides: ["node.id=\(id)", "cluster.id=it", "metadata.store=etcd://\(etcd.endpoint)"]
                + Self.fastOverrides + extraOverrides,
            nativePort: ports[id] ?? 0, environment: environment)
        ports[id] = broker.nativePort
        brokers[id] = broker
    }

    subscript(_ id: Int32) -> BrokerProcess { brokers[id]! }

    /// Every broker's native address, for `--bootstrap-server`.
    var bootstrap: String { ports.keys.sorted().map { "127.0.0.1:\(ports[$0]!)" }.joined(separator: ",") }

    /// Stops every broker (SIGKILL: fast) and etcd, and removes the data.
    func shutdown() {
        for broker in brokers.values {
            broker.resume()
            broker.kill9()
        }
        for directory in dataDirs.values { try? FileManager.default.removeItem(atPath: directory) }
        etcd.stop()
    }

    // MARK: reading the cluster

    /// `sluice` with `--bootstrap-server` of the live brokers.
    func cli(_ arguments: [String], stdin: Data? = nil) throws -> CLI.Result {
        try CLI.run(arguments + ["--bootstrap-server", liveBootstrap], stdin: stdin)
    }

    /// The addresses of brokers whose process runs and is not paused (a paused broker accepts connections and
    /// answers nothing, so a client bootstrapping from it waits out its request timeout).
    var liveBootstrap: String {
        ports.keys.sorted().filter { brokers[$0]?.isRunning == true && brokers[$0]?.isPaused == false }
            .map { "127.0.0.1:\(ports[$0]!)" }.joined(separator: ",")
    }

    /// The partitions of `topic` as a live broker's metadata shows them (empty while it cannot be read).
    func partitions(_ topic: String) async -> [PartitionMetadata] {
        guard let client = try? SluiceClient(bootstrapServers: [liveBootstrap], clientId: "cluster-test") else { return [] }
        let found = (try? await client.metadata(topics: [topic]))?.topics.first?.partitions ?? []
        try? await client.close()
        return found.sorted { $0.partition < $1.partition }
    }

    /// Partition `partition` of `topic` once `condition` holds for it (polled with a deadline), else nil.
    func awaitPartition(
        _ topic: String, _ partition: Int32 = 0, timeout: Duration = .seconds(20),
        _ condition: (PartitionMetadata) -> Bool
    ) async -> PartitionMetadata? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let found = await partitions(topic).first(where: { $0.partition == partition }), condition(found) {
                return found
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Creates `topic` (RF `replicationFactor`, 3 unless said) with `configs`, and waits until every broker's
    /// metadata has its leaders and full ISRs.
    func createTopic(
        _ topic: String, partitions: Int = 1, replicationFactor: Int = 3, configs: [String] = []
    ) async throws {
        let created = try cli(
            ["topics", "create", topic, "--partitions", "\(partitions)", "--replication-factor", "\(replicationFactor)"]
                + configs.flatMap { ["--config", $0] })
        #expect(created.status == 0, "\(created.stderr)")
        #expect(await awaitPartition(topic) { $0.leader >= 0 && $0.isr.count == replicationFactor } != nil)
    }

    /// The journal-style event lines `name` broker `id` wrote to stderr, as field dictionaries.
    static func events(_ name: String, in broker: BrokerProcess) -> [[String: String]] {
        broker.stderr.split(separator: "\n").filter { $0.contains("SLUICE_EVENT=\(name) ") }.map { line in
            var fields: [String: String] = [:]
            let head = line.components(separatedBy: " MESSAGE=").first ?? String(line)
            // `<time> sluiced <priority> SLUICE_EVENT=…`: the priority word as journald names it.
            let words = head.split(separator: " ")
            if words.count > 2 { fields["PRIORITY_WORD"] = String(words[2]) }
            for token in head.split(separator: " ") {
                guard let equals = token.firstIndex(of: "=") else { continue }
                fields[String(token[..<equals])] = String(token[token.index(after: equals)...])
            }
            return fields
        }
    }

    /// The events `name` written by any broker of the cluster (every life of each, in broker order).
    func events(_ name: String) -> [[String: String]] {
        brokers.keys.sorted().flatMap { Self.events(name, in: brokers[$0]!) }
    }

    /// Polls until some broker wrote event `name` matching `condition`.
    func awaitEvent(
        _ name: String, timeout: Duration = .seconds(20), _ condition: ([String: String]) -> Bool = { _ in true }
    ) -> [String: String]? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let found = events(name).first(where: condition) { return found }
            usleep(20_000)  // polling log files with a deadline
        }
        return events(name).first(where: condition)
    }

    /// `/metrics` of broker `id`.
    func metrics(_ id: Int32) throws -> String {
        try MetricsEndpointTests.get("http://127.0.0.1:\(self[id].httpPort)/metrics").1
    }
}
