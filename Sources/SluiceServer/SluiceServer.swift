import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SluiceBroker
import SluiceCluster
import SluiceConfig
import SluiceObservability
import SluiceStorage
import SluiceWire

/// A whole `sluiced` daemon built from a `BrokerConfig`: metadata store, broker, native listener,
/// HTTP listener (metrics, health, readiness) and maintenance, run as one `Service`.
///
/// Testable in-process; `sluiced` runs it in a `ServiceGroup` that turns SIGTERM/SIGINT into a
/// graceful shutdown (flush and close every log, then exit).
public struct SluiceServer: Service {
    public let config: BrokerConfig
    /// The producer gateway's settings (`gateway.*`), validated before the server is built. [gateway]
    public let gateway: GatewayConfig
    let logger: Logger
    let metrics: BrokerMetrics
    let events: EventEmitter
    let notifier: SystemdNotifier

    public init(config: BrokerConfig, gateway: GatewayConfig, logger: Logger, events: EventEmitter) {
        self.config = config
        self.gateway = gateway  // [gateway]
        self.logger = logger
        self.events = events
        self.metrics = BrokerMetrics(version: SluiceVersion.current)
        self.notifier = SystemdNotifier()
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let readiness = Readiness()
        // Bind first so a port-0 listener's real port is what the broker advertises; connections wait in
        // the backlog until the accept loop starts, after metadata is loaded.
        let listener = config.listeners[0]
        let native = try await NativeListener.bind(
            host: listener.host, port: listener.port, maxFrameBytes: config.socketRequestMaxBytes, group: group)
        let nativePort = native.channel.localAddress?.port ?? listener.port
        let handler = try await startBroker(boundPort: nativePort)
        markReady(readiness) { $0.metadataLoaded = true }
        markReady(readiness) { $0.nativeAddress = "PLAINTEXT://\(listener.host):\(nativePort)" }
        // [gateway] The producer gateway sends to this broker's own listener; created before HTTP serves it.
        let gateway = try makeGateway(handler: handler, nativeHost: listener.host, nativePort: nativePort)
        let app = makeHTTPApplication(readiness: readiness, gateway: gateway)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await NativeListener(handler: handler, maxFrameBytes: config.socketRequestMaxBytes, logger: logger).serve(native) }
            tasks.addTask { try await app.runService() }
            tasks.addTask { try await maintenance(handler.replicaManager) }
            let watchdogTask = scheduleWatchdog(on: group)
            try? await gracefulShutdown()
            notifier.stopping()
            events.brokerStopping(brokerId: brokerId, reason: "shutdown requested (signal)")
            // [gateway] Drain the gateway's producer while the native listener still accepts its requests.
            await gateway?.close(timeout: Self.gatewayCloseTimeout)
            watchdogTask?.cancel()
            try? await native.channel.close()
            tasks.cancelAll()
        }
        handler.replicaManager.shutdown()
        logger.notice("broker \(config.nodeId) stopped; logs flushed and closed")
    }

    private func startBroker(boundPort: Int) async throws -> BrokerRequestHandler {
        let directories = try LogDirectories.open(config: config, logger: logger)  // locks, meta.properties, scan
        let store = try makeMetadataStore(directory: directories.metadataDirectory)
        let logConfig = LogConfig(
            segmentBytes: config.logSegmentBytes, retentionMs: config.logRetentionMs,
            retentionBytes: config.logRetentionBytes, flushIntervalMessages: config.logFlushIntervalMessages,
            flushIntervalMs: config.logFlushIntervalMs, indexIntervalBytes: config.logIndexIntervalBytes,
            maxMessageBytes: config.messageMaxBytes)
        let replicaManager = ReplicaManager(
            brokerId: brokerId, logDirectories: directories.layout, topicConfigSource: directories.metadataFile,
            logConfig: logConfig,
            minInsyncReplicas: config.minInsyncReplicas, metrics: metrics, events: events, logger: logger,
            producerIdExpirationMs: config.producerIdExpirationMs)
        let handler = BrokerRequestHandler(
            replicaManager: replicaManager, store: store,
            defaults: .init(numPartitions: Int32(config.numPartitions), replicationFactor: Int32(config.defaultReplicationFactor)),
            logger: logger)
        replicaManager.checkDirectories(against: try await store.snapshot().topics.values)
        let advertised = config.advertisedListeners[0]
        let advertisedPort = advertised.port == 0 ? boundPort : advertised.port
        try await handler.start(advertised: BrokerInfo(nodeId: brokerId, host: advertised.host, port: Int32(advertisedPort)))
        return handler
    }

    /// `node.id` as the wire's broker id.
    var brokerId: Int32 { Int32(config.nodeId) }

    private func makeMetadataStore(directory: String) throws -> any SluiceCluster.MetadataStore {
        guard case .embedded = config.metadataStore else {
            throw ServerStartError("metadata.store=\(config.metadataStore): only 'embedded' is available in this build")
        }
        return try EmbeddedMetadataStore(directory: directory, clusterId: config.clusterId)
    }

    private func makeHTTPApplication(readiness: Readiness, gateway: Gateway?) -> some ApplicationProtocol {
        let router = HTTPEndpoints.router(metrics: metrics, readiness: readiness, metricsEnabled: config.metricsEnabled)
        gateway?.addRoutes(to: router)  // [gateway] POST /topics/{topic}
        let http = config.httpListener
        return Application(
            router: router, configuration: .init(address: .hostname(http.host, port: http.port), serverName: "sluiced"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? http.port
                markReady(readiness) { $0.httpAddress = "HTTP://\(http.host):\(port)" }
            },
            logger: logger)
    }

    /// Records a start-up step; the step that completes readiness announces it (event, log, READY=1).
    private func markReady(_ readiness: Readiness, _ change: (inout Readiness.State) -> Void) {
        guard let state = readiness.update(change) else { return }
        let listeners = [state.nativeAddress ?? "", state.httpAddress ?? ""]
        events.brokerReady(brokerId: brokerId, listeners: listeners, metadataStore: config.metadataStore.description)
        notifier.ready(status: "broker \(brokerId) ready on \(listeners.joined(separator: ", "))")
    }

    /// Retention checks every `log.retention.check.interval.ms`; flush-by-time and HW checkpoints every second.
    private func maintenance(_ replicaManager: ReplicaManager) async throws {
        let retentionEvery = max(1, config.logRetentionCheckIntervalMs / 1000)
        var tick: Int64 = 0
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            tick += 1
            replicaManager.runMaintenance(retention: tick % retentionEvery == 0)
            if tick % 5 == 0 {
                notifier.status("broker \(brokerId): leading \(replicaManager.leaderPartitionCount) partition(s), "
                    + "following 0, metadata \(config.metadataStore)")
            }
        }
    }

    /// Pings systemd's watchdog at half its interval from an event loop that serves connections, so a
    /// wedged loop misses the ping and systemd restarts the broker.
    private func scheduleWatchdog(on group: any EventLoopGroup) -> RepeatedTask? {
        guard let interval = notifier.watchdogInterval else { return nil }
        let notifier = self.notifier
        return group.next().scheduleRepeatedTask(
            initialDelay: .zero, delay: .nanoseconds(Int64(interval.components.seconds) * 1_000_000_000
                + interval.components.attoseconds / 1_000_000_000)
        ) { _ in notifier.watchdogPing() }
    }
}

/// A start-up failure. `sluiced` exits with ``exitStatus``: 78 (EX_CONFIG) for a problem the operator fixes
/// in configuration or on disk (a data directory of another cluster or node, a `log.dirs` lock held by another
/// broker), with a `config_error` event naming ``key``; 1 for any other failure (a listener that cannot bind).
public struct ServerStartError: Error, CustomStringConvertible {
    /// What went wrong, naming the file, directory, listener or key involved.
    public let description: String
    /// The process exit status `sluiced` uses: 78 (EX_CONFIG) or 1.
    public let exitStatus: Int32
    /// The configuration key at fault (`log.dirs`), for the `config_error` event; nil when none is.
    public let key: String?
    /// The value of ``key`` at fault (a directory, an address), for the `config_error` event.
    public let value: String?

    /// A failure that is not the configuration's fault: exit status 1.
    init(_ description: String) {
        self.description = description
        self.exitStatus = 1
        self.key = nil
        self.value = nil
    }

    /// A failure the operator fixes in configuration or on disk: exit status 78, a `config_error` event for `key`.
    init(configKey key: String, value: String, _ description: String) {
        self.description = description
        self.exitStatus = 78
        self.key = key
        self.value = value
    }
}
