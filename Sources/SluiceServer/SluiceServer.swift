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
import SluiceSystemd
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
    /// Declared at start on the same registry, so every broker shows the controller series (0 when not it).
    let controllerMetrics: ControllerMetrics
    let events: EventEmitter
    let notifier: SystemdNotifier

    public init(config: BrokerConfig, gateway: GatewayConfig, logger: Logger, events: EventEmitter) {
        self.config = config
        self.gateway = gateway  // [gateway]
        self.logger = logger
        self.events = events
        self.metrics = BrokerMetrics(version: SluiceVersion.current)
        self.controllerMetrics = ControllerMetrics(registry: metrics.registry)
        self.notifier = SystemdNotifier()
    }

    public func run() async throws {
        // num.network.threads event loops serve the native and HTTP listeners; num.io.threads threads run blocking
        // disk work (maintenance, the final close) off the loops and the cooperative pool.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: config.numNetworkThreads)
        let ioThreads = NIOThreadPool(numberOfThreads: config.numIoThreads)
        ioThreads.start()
        do {
            try await withGracefulShutdownHandler {
                try await serve(group: group, ioThreads: ioThreads)
            } onGracefulShutdown: {
                // Armed the moment a stop is asked for, whatever start-up is doing (a recovery that does not
                // yield, a hung disk): the process ends within shutdown.timeout.ms in every state.
                ShutdownDeadline.arm(afterMs: config.shutdownTimeoutMs, brokerId: brokerId)
            }
        } catch {
            try? await ioThreads.shutdownGracefully()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await ioThreads.shutdownGracefully()
        try? await group.shutdownGracefully()
    }

    /// What one child task of ``serve(group:ioThreads:)`` finished with.
    private enum ChildExit: Sendable {
        case httpBound(port: Int)
        case stopRequested
        case stopped(String)
    }

    /// Start-up in the order an operator can follow (each failure exits before READY, naming what failed):
    /// bind the native listener, start HTTP (/health and /ready answer during recovery), load metadata and
    /// recover the logs, then announce readiness. Then serve until a stop is asked for or a part fails, and stop
    /// in phases: drain the gateway, close the listener, flush and close every log.
    private func serve(group: MultiThreadedEventLoopGroup, ioThreads: NIOThreadPool) async throws {
        let readiness = Readiness()
        try refuseUnavailableMetadataStore()
        // The data directories first: a second broker on them stops before it takes any port.
        let directories = try LogDirectories.open(config: config, logger: logger)  // locks, meta.properties, scan
        let listener = config.listeners[0]
        let native = try await bindNative(listener, group: group)
        let nativePort = native.channel.localAddress?.port ?? listener.port
        StartupFault.hangIfAsked(at: .nativeBound)
        let handlerSlot = HandlerSlot()
        let gateway = try makeGateway(handlers: handlerSlot, nativeHost: listener.host, nativePort: nativePort)
        let (httpPorts, httpPortSink) = AsyncStream<Int>.makeStream()
        let app = makeHTTPApplication(
            readiness: readiness, gateway: gateway, group: group, boundPorts: httpPortSink)
        try await withThrowingTaskGroup(of: ChildExit.self) { tasks in
            tasks.addTask {
                do { try await app.run() } catch { throw Self.bindError(error, key: "http.listener", config.httpListener.description) }
                return .stopped("the HTTP listener")
            }
            tasks.addTask {
                for await port in httpPorts { return .httpBound(port: port) }
                return .stopped("the HTTP listener")
            }
            guard case .httpBound(let httpPort) = try await tasks.next() else { return }
            StartupFault.hangIfAsked(at: .httpBound)
            markReady(readiness) { $0.httpAddress = "HTTP://\(config.httpListener.host):\(httpPort)" }
            let (handler, metadata) = try await startBroker(
                boundPort: nativePort, directories: directories, ioThreads: ioThreads)
            handlerSlot.set(handler)
            StartupFault.hangIfAsked(at: .logsRecovered)
            tasks.addTask {
                try await metadata.listener.run()
                return .stopped("the metadata listener")
            }
            tasks.addTask {
                let info = handler.cache.image.brokers[brokerId] ?? BrokerInfo(nodeId: brokerId, host: "", port: 0)
                try await keepSessionAlive(metadata, info: info)
                return .stopped("the metadata session")
            }
            tasks.addTask {
                await metadata.store.runLeaseExpiry(every: .milliseconds(500))
                return .stopped("metadata lease expiry")
            }
            tasks.addTask {
                try await metadata.controller.run()
                return .stopped("the controller")
            }
            tasks.addTask {
                await NativeListener(handler: handler, maxFrameBytes: config.socketRequestMaxBytes, logger: logger).serve(native)
                return .stopped("the native listener")
            }
            tasks.addTask {
                try await maintenance(handler.replicaManager, ioThreads: ioThreads)
                return .stopped("maintenance")
            }
            tasks.addTask {
                try? await gracefulShutdown()
                return .stopRequested
            }
            // A stop asked for during recovery: go straight to the stop phases, never announcing readiness.
            if !Task.isShuttingDownGracefully {
                markReady(readiness) { $0.metadataLoaded = true }
                markReady(readiness) { $0.nativeAddress = "PLAINTEXT://\(listener.host):\(nativePort)" }
            }
            let watchdogTask = scheduleWatchdog(on: group)
            defer { watchdogTask?.cancel() }
            // The first child to end decides: a stop request, or a part that stopped or failed unasked, which
            // stops the rest the same way and then exits 1.
            let failure: String?
            do {
                switch try await tasks.next() {
                case .stopRequested, nil: failure = nil
                case .stopped(let part): failure = "\(part) stopped unexpectedly"
                case .httpBound: preconditionFailure("the HTTP listener binds once")
                }
            } catch {
                failure = "\(error)"
            }
            if let failure { logger.error("stopping broker \(brokerId): \(failure)") }
            ShutdownDeadline.arm(afterMs: config.shutdownTimeoutMs, brokerId: brokerId)
            try await stop(
                reason: failure.map { "failure: \($0)" } ?? "shutdown requested (signal)", gateway: gateway,
                native: native, handler: handler, metadata: metadata, ioThreads: ioThreads)
            tasks.cancelAll()
            // The registration goes last (an etcd lease revoked): the keep-alive task is cancelled by now.
            await metadata.store.deregister(await metadata.controller.brokerSession)
            if let failure { throw ServerStartError("broker \(brokerId) stopped after a failure: \(failure)") }
        }
    }

    /// The stop phases, each bounded: the gateway's producer drains while the native listener still accepts
    /// its requests (at most `gatewayCloseTimeout`), the listener closes, the controller office is given up
    /// (`controller_resigned`, so another broker's campaign can win at once), then every log is flushed and
    /// closed on the I/O threads. `ShutdownDeadline` bounds the whole.
    private func stop(
        reason: String, gateway: Gateway?, native: NativeListener.ServerChannel, handler: BrokerRequestHandler,
        metadata: MetadataParts, ioThreads: NIOThreadPool
    ) async throws {
        notifier.stopping()
        events.brokerStopping(brokerId: brokerId, reason: reason)
        await gateway?.close(timeout: Self.gatewayCloseTimeout)  // [gateway]
        try? await native.channel.close()
        do {
            if let resigned = try await metadata.controller.resign() {
                events.controllerResigned(brokerId: brokerId, controllerEpoch: resigned.epoch, reason: "shutdown")
            }
        } catch {
            logger.warning("broker \(brokerId) could not resign as controller: \(error)")
        }
        try await ioThreads.runIfActive { handler.replicaManager.shutdown() }
        logger.notice("broker \(config.nodeId) stopped; logs flushed and closed")
    }

    /// Binds the native listener; an empty host binds every interface (IPv6 and IPv4, or IPv4 alone where
    /// IPv6 is off). A failure names the listener, the address and the cause.
    private func bindNative(
        _ listener: ListenerEndpoint, group: MultiThreadedEventLoopGroup
    ) async throws -> NativeListener.ServerChannel {
        let maxFrameBytes = config.socketRequestMaxBytes
        guard listener.host.isEmpty else {
            do {
                return try await NativeListener.bind(host: listener.host, port: listener.port, maxFrameBytes: maxFrameBytes, group: group)
            } catch { throw Self.bindError(error, key: "listeners", listener.description) }
        }
        do {
            return try await NativeListener.bind(host: "::", port: listener.port, maxFrameBytes: maxFrameBytes, group: group)
        } catch let error as IOError where [EAFNOSUPPORT, EADDRNOTAVAIL].contains(error.errnoCode) {
            logger.info("IPv6 is unavailable (\(error)); \(listener) binds every IPv4 interface")
        } catch { throw Self.bindError(error, key: "listeners", listener.description) }
        do {
            return try await NativeListener.bind(host: "0.0.0.0", port: listener.port, maxFrameBytes: maxFrameBytes, group: group)
        } catch { throw Self.bindError(error, key: "listeners", listener.description) }
    }

    /// `cannot bind listener PLAINTEXT://127.0.0.1:9092 (listeners): Address already in use (errno 98)`.
    static func bindError(_ error: any Error, key: String, _ address: String) -> ServerStartError {
        let cause: String
        if let io = error as? IOError {
            cause = "\(String(cString: strerror(io.errnoCode))) (errno \(io.errnoCode))"
        } else {
            cause = "\(error)"
        }
        let what = key == "http.listener" ? "the HTTP listener" : "listener"
        return ServerStartError("cannot bind \(what) \(address) (\(key)): \(cause)")
    }

    /// The broker's metadata side, made at start-up: served by child tasks of ``serve(group:ioThreads:)``.
    private struct MetadataParts: Sendable {
        let store: EmbeddedMetadataStore
        let session: BrokerSession
        let controller: Controller
        let listener: MetadataListener
    }

    /// Session TTL of the broker's registration. The embedded store lives in this process, so the TTL only
    /// bounds how long a wedged keep-alive loop goes unnoticed.
    static let metadataSessionTtl: Duration = .seconds(30)

    private func startBroker(
        boundPort: Int, directories: LogDirectories, ioThreads: NIOThreadPool
    ) async throws -> (BrokerRequestHandler, MetadataParts) {
        let store = try makeMetadataStore(directory: directories.metadataDirectory)
        let logConfig = LogConfig(
            segmentBytes: config.logSegmentBytes, retentionMs: config.logRetentionMs,
            retentionBytes: config.logRetentionBytes, flushIntervalMessages: config.logFlushIntervalMessages,
            flushIntervalMs: config.effectiveFlushIntervalMs, indexIntervalBytes: config.logIndexIntervalBytes,
            maxMessageBytes: config.messageMaxBytes)
        let replicaManager = ReplicaManager(
            brokerId: brokerId, logDirectories: directories.layout, topicConfigSource: directories.metadataFile,
            logConfig: logConfig,
            minInsyncReplicas: config.minInsyncReplicas, metrics: metrics, events: events, logger: logger,
            producerIdExpirationMs: config.producerIdExpirationMs,
            // fsyncs of rolls and flushes run on the I/O pool, never on the request's task (2 cooperative threads).
            blockingIO: BlockingIO { work in ioThreads.submit { _ in work() } })
        replicaManager.checkDirectories(against: try await store.snapshot().topics.values)
        let advertised = config.advertisedListeners[0]
        let advertisedPort = advertised.port == 0 ? boundPort : advertised.port
        let advertisedHost = Self.advertisableHost(advertised.host)
        let info = BrokerInfo(nodeId: brokerId, host: advertisedHost, port: Int32(advertisedPort))
        let session = try await store.register(info, ttl: Self.metadataSessionTtl)
        let controller = Controller(
            store: store, session: session, metrics: controllerMetrics, events: events,
            settings: Controller.Settings(uncleanLeaderElection: config.uncleanLeaderElectionEnable), logger: logger)
        try await campaign(controller)
        let cache = BrokerMetadataCache()
        let listener = MetadataListener(
            store: store, cache: cache, replicaManager: replicaManager, controllerMetrics: controllerMetrics,
            logger: logger)
        try await ioThreads.runIfActive { StartupFault.hangIfAsked(at: .logRecovery) }
        try await listener.load()
        let handler = BrokerRequestHandler(
            replicaManager: replicaManager, store: store, cache: cache, controller: controller,
            defaults: .init(
                numPartitions: Int32(config.numPartitions), replicationFactor: Int32(config.defaultReplicationFactor),
                autoCreateTopics: config.autoCreateTopicsEnable, deleteTopicEnable: config.deleteTopicEnable),
            logger: logger)
        return (handler, MetadataParts(store: store, session: session, controller: controller, listener: listener))
    }

    /// The embedded single broker is its own controller: its campaign always wins (the controller emits
    /// `controller_elected`).
    private func campaign(_ controller: Controller) async throws {
        guard let won = try await controller.campaign() else {
            throw ServerStartError("broker \(brokerId) lost the controller campaign of its own embedded store")
        }
        assert(won.epoch >= 1)
    }

    /// Keeps the session alive at a third of its TTL. A session found expired (the process was paused past the
    /// TTL) is registered again and the campaign rerun, as a broker whose etcd lease lapsed would.
    private func keepSessionAlive(_ parts: MetadataParts, info: BrokerInfo) async throws {
        var session = parts.session
        while !Task.isCancelled {
            try await Task.sleep(for: session.ttl / 3)
            do { try await parts.store.keepAlive(session) } catch {
                logger.warning("broker \(brokerId): \(error); registering again")
                if let held = await parts.controller.current {
                    events.controllerResigned(
                        brokerId: brokerId, controllerEpoch: held.epoch, reason: "metadata session expired")
                }
                session = try await parts.store.register(info, ttl: Self.metadataSessionTtl)
                await parts.controller.replaceSession(session)
                try await campaign(parts.controller)
            }
        }
    }

    /// What clients are told to dial for `host`: a wildcard bind address (empty, `0.0.0.0`, `::`, only possible
    /// when `advertised.listeners` is unset) becomes this machine's host name, as Kafka advertises its canonical
    /// host name; clients cannot connect to a wildcard.
    static func advertisableHost(_ host: String) -> String {
        guard host.isEmpty || host == "0.0.0.0" || host == "::" else { return host }
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0, name[0] != 0 else { return "127.0.0.1" }
        let length = name.firstIndex(of: 0) ?? name.count
        return String(decoding: name[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `node.id` as the wire's broker id.
    var brokerId: Int32 { Int32(config.nodeId) }

    private func makeMetadataStore(directory: String) throws -> EmbeddedMetadataStore {
        try refuseUnavailableMetadataStore()
        return try EmbeddedMetadataStore(directory: directory, clusterId: config.clusterId)
    }

    private func refuseUnavailableMetadataStore() throws(ServerStartError) {
        guard case .embedded = config.metadataStore else {
            // The syntax is parsed for the cluster to come; the etcd store is not built yet: refused, never ignored.
            throw ServerStartError(
                configKey: "metadata.store", value: config.metadataStore.description,
                "Invalid value '\(config.metadataStore)' for configuration metadata.store: the etcd metadata store "
                    + "is not available in this build yet (expected embedded)")
        }
    }

    /// The HTTP listener on the broker's event loops; `boundPorts` gets the bound port once it listens.
    private func makeHTTPApplication(
        readiness: Readiness, gateway: Gateway?, group: MultiThreadedEventLoopGroup,
        boundPorts: AsyncStream<Int>.Continuation
    ) -> some ApplicationProtocol {
        let router = HTTPEndpoints.router(metrics: metrics, readiness: readiness, metricsEnabled: config.metricsEnabled)
        gateway?.addRoutes(to: router)  // [gateway] POST /topics/{topic}
        let http = config.httpListener
        return Application(
            router: router, configuration: .init(address: .hostname(http.host, port: http.port), serverName: "sluiced"),
            onServerRunning: { channel in
                boundPorts.yield(channel.localAddress?.port ?? http.port)
                boundPorts.finish()
            },
            eventLoopGroupProvider: .shared(group),
            logger: logger)
    }

    /// Records a start-up step; the step that completes readiness announces it (event, log, READY=1).
    private func markReady(_ readiness: Readiness, _ change: (inout Readiness.State) -> Void) {
        guard let state = readiness.update(change) else { return }
        let listeners = [state.nativeAddress ?? "", state.httpAddress ?? ""]
        events.brokerReady(brokerId: brokerId, listeners: listeners, metadataStore: config.metadataStore.description)
        notifier.ready(status: "broker \(brokerId) ready on \(listeners.joined(separator: ", "))")
    }

    /// Retention checks every `log.retention.check.interval.ms`; flush-by-time checks every
    /// `log.flush.scheduler.interval.ms` when set (else every second); HW checkpoints on every tick. The disk
    /// work runs on the `num.io.threads` pool.
    private func maintenance(_ replicaManager: ReplicaManager, ioThreads: NIOThreadPool) async throws {
        let tickMs = config.maintenanceTickMs
        let retentionEvery = max(1, config.logRetentionCheckIntervalMs / tickMs)
        let statusEvery = max(1, 5000 / tickMs)
        var tick: Int64 = 0
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(tickMs))
            tick += 1
            let retention = tick % retentionEvery == 0
            try await ioThreads.runIfActive { replicaManager.runMaintenance(retention: retention) }
            if tick % statusEvery == 0 {
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
