import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SluiceBroker
import SluiceClient
import SluiceCluster
import SluiceConfig
import SluiceGroups
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
    /// `sluice_metadata_store_*` and `sluice_broker_session_losses_total`, declared at start for either store.
    let storeMetrics: MetadataStoreMetrics
    /// `sluice_group_*`, on the same registry.
    let groupMetrics: GroupMetrics
    let events: EventEmitter
    let notifier: SystemdNotifier

    public init(config: BrokerConfig, gateway: GatewayConfig, logger: Logger, events: EventEmitter) {
        self.config = config
        self.gateway = gateway  // [gateway]
        self.logger = logger
        self.events = events
        self.metrics = BrokerMetrics(version: SluiceVersion.current)
        self.controllerMetrics = ControllerMetrics(registry: metrics.registry)
        self.storeMetrics = MetadataStoreMetrics(registry: metrics.registry)
        self.groupMetrics = GroupMetrics(registry: metrics.registry)
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
                try await keepSessionAlive(metadata, info: info, handler: handler)
                return .stopped("the metadata session")
            }
            if let embedded = metadata.embedded {
                tasks.addTask {
                    await embedded.runLeaseExpiry(every: .milliseconds(500))
                    return .stopped("metadata lease expiry")
                }
            }
            tasks.addTask {
                try await metadata.controller.run()
                return .stopped("the controller")
            }
            tasks.addTask {
                let replication = ReplicationService(
                    replicaManager: handler.replicaManager, store: metadata.store, cache: handler.cache,
                    eventLoopGroup: group, config: replicationConfig, logger: logger)
                try await replication.run()
                return .stopped("replication")
            }
            let coordinator = GroupCoordinator(
                settings: groupSettings, replicaManager: handler.replicaManager, metrics: groupMetrics, events: events,
                logger: logger)
            tasks.addTask {
                await coordinator.run()
                return .stopped("the group coordinator")
            }
            tasks.addTask {
                await NativeListener(
                    handler: handler, metrics: metrics, config: config, coordinator: coordinator, logger: logger
                ).serve(native)
                return .stopped("the native listener")
            }
            tasks.addTask {
                try await maintenance(handler, gateway: gateway, ioThreads: ioThreads)
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
                native: native, handler: handler, metadata: metadata, ioThreads: ioThreads, group: group)
            tasks.cancelAll()
            // The registration goes last (an etcd lease revoked): the keep-alive task is cancelled by now.
            try? await metadata.store.deregister(await metadata.controller.brokerSession)
            if let etcd = metadata.store as? EtcdMetadataStore { await etcd.shutdown() }
            if let failure { throw ServerStartError("broker \(brokerId) stopped after a failure: \(failure)") }
        }
    }

    /// The stop phases, each bounded: the gateway's producer drains while the native listener still accepts
    /// its requests (at most `gatewayCloseTimeout`), the listener closes, the controller office is given up
    /// (`controller_resigned`, so another broker's campaign can win at once), then every log is flushed and
    /// closed on the I/O threads. `ShutdownDeadline` bounds the whole.
    private func stop(
        reason: String, gateway: Gateway?, native: NativeListener.ServerChannel, handler: BrokerRequestHandler,
        metadata: MetadataParts, ioThreads: NIOThreadPool, group: MultiThreadedEventLoopGroup
    ) async throws {
        notifier.stopping()
        events.brokerStopping(brokerId: brokerId, reason: reason)
        await gateway?.close(timeout: Self.gatewayCloseTimeout)  // [gateway]
        // Leadership moves while this broker still serves: producers see NOT_LEADER_OR_FOLLOWER and go to the
        // new leaders, followers finish their fetches.
        await controlledShutdown(metadata, handler: handler, group: group)
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

    /// Kafka's controlled shutdown (`controlled.shutdown.enable`, cluster only): asks the controller — itself, or
    /// over the native protocol — to move every leadership of this broker to another in-sync replica, and waits
    /// until the metadata shows them moved. At most 3 attempts (Kafka's controlled.shutdown.max.retries), within
    /// a third of `shutdown.timeout.ms`; partitions with no other in-sync replica stay (Kafka leaves them).
    private func controlledShutdown(
        _ metadata: MetadataParts, handler: BrokerRequestHandler, group: MultiThreadedEventLoopGroup
    ) async {
        guard config.controlledShutdownEnable, case .etcd = config.metadataStore else { return }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(config.shutdownTimeoutMs / 3))
        for attempt in 1...3 {
            guard handler.replicaManager.leaderPartitionCount > 0 else { return }
            do {
                let remaining = try await askControllerToMoveLeadership(metadata, cache: handler.cache, group: group)
                // The moves arrive through the watch: wait until this broker leads no more than `remaining`.
                while handler.replicaManager.leaderPartitionCount > remaining, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                logger.notice("controlled shutdown of broker \(brokerId): \(remaining) partition(s) could not move")
                if remaining == 0 || handler.replicaManager.leaderPartitionCount <= remaining { return }
            } catch {
                logger.warning("controlled shutdown of broker \(brokerId), attempt \(attempt): \(error)")
            }
            guard ContinuousClock.now < deadline else { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        logger.warning("broker \(brokerId) stops while still leading \(handler.replicaManager.leaderPartitionCount) partition(s)")
    }

    /// One ControlledShutdown request: to this broker's own controller when it holds the office, else to the
    /// controller the metadata names. Returns the partitions that could not move.
    private func askControllerToMoveLeadership(
        _ metadata: MetadataParts, cache: BrokerMetadataCache, group: MultiThreadedEventLoopGroup
    ) async throws -> Int {
        if await metadata.controller.current != nil {
            return try await metadata.controller.controlledShutdown(of: brokerId)
        }
        let image = cache.image
        guard let controllerId = image.controller?.brokerId, let controller = image.brokers[controllerId] else {
            throw SluiceError(.notController, "no controller is known")
        }
        let connection = try await BrokerConnection.connect(
            to: BrokerAddress(controller), clientId: "sluiced-\(brokerId)", group: group,
            connectTimeout: .seconds(2), requestTimeout: .seconds(5))
        let response: SluiceWire.Response
        do {
            response = try await connection.send(SluiceWire.RequestBody.controlledShutdown(ControlledShutdownRequest(brokerId: brokerId)))
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        guard case SluiceWire.ResponseBody.controlledShutdown(let answer) = response.body else {
            throw SluiceError(.unknownServerError, "the controller sent no ControlledShutdown answer")
        }
        guard answer.errorCode == .none else { throw SluiceError(answer.errorCode, answer.errorMessage) }
        return Int(answer.remainingPartitions)
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
        let store: any SluiceCluster.MetadataStore
        /// The same store when it is the embedded one (its lease expiry runs in this process).
        let embedded: EmbeddedMetadataStore?
        let session: BrokerSession
        let controller: Controller
        let listener: MetadataListener
    }

    /// Session TTL of the embedded store's registration. That store lives in this process, so the TTL only
    /// bounds how long a wedged keep-alive loop goes unnoticed.
    static let embeddedSessionTtl: Duration = .seconds(30)

    /// The broker's session TTL: `broker.session.timeout.ms` with etcd (the lease), 30 s embedded.
    var sessionTtl: Duration {
        guard case .etcd = config.metadataStore else { return Self.embeddedSessionTtl }
        return .milliseconds(config.brokerSessionTimeoutMs)
    }

    /// How often the session is kept alive: `broker.heartbeat.interval.ms` with etcd, a third of the TTL embedded.
    var heartbeatInterval: Duration {
        guard case .etcd = config.metadataStore else { return Self.embeddedSessionTtl / 3 }
        return .milliseconds(config.brokerHeartbeatIntervalMs)
    }

    private func startBroker(
        boundPort: Int, directories: LogDirectories, ioThreads: NIOThreadPool
    ) async throws -> (BrokerRequestHandler, MetadataParts) {
        let store = try await makeMetadataStore(directory: directories.metadataDirectory)
        let logConfig = LogConfig(
            segmentBytes: config.logSegmentBytes, retentionMs: config.logRetentionMs,
            retentionBytes: config.logRetentionBytes, flushIntervalMessages: config.logFlushIntervalMessages,
            flushIntervalMs: config.effectiveFlushIntervalMs, indexIntervalBytes: config.logIndexIntervalBytes,
            maxMessageBytes: config.messageMaxBytes, timestampBeforeMaxMs: config.messageTimestampBeforeMaxMs,
            timestampAfterMaxMs: config.messageTimestampAfterMaxMs)
        let replicaManager = ReplicaManager(
            brokerId: brokerId, logDirectories: directories.layout, topicConfigSource: config.metadataStore == .embedded ? directories.metadataFile : config.metadataStore.description,
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
        let session = try await registerRefusingDuplicates(info, store: store)
        let controller = Controller(
            store: store, session: session, metrics: controllerMetrics, events: events,
            settings: controllerSettings, logger: logger)
        try await campaign(controller)
        let cache = BrokerMetadataCache()
        let listener = MetadataListener(
            store: store, cache: cache, replicaManager: replicaManager, controllerMetrics: controllerMetrics,
            logger: logger)
        try await ioThreads.runIfActive { StartupFault.hangIfAsked(at: .logRecovery) }
        var progress = StartupProgress(notifier: notifier)
        try await listener.load(opened: { _ in progress.partitionOpened() })
        let handler = BrokerRequestHandler(
            replicaManager: replicaManager, store: store, cache: cache, controller: controller,
            defaults: .init(
                numPartitions: Int32(config.numPartitions), replicationFactor: Int32(config.defaultReplicationFactor),
                autoCreateTopics: config.autoCreateTopicsEnable, deleteTopicEnable: config.deleteTopicEnable),
            logger: logger)
        return (
            handler,
            MetadataParts(
                store: store, embedded: store as? EmbeddedMetadataStore, session: session, controller: controller,
                listener: listener)
        )
    }

    /// The replica fetcher's settings from configuration.
    private var replicationConfig: ReplicationConfig {
        ReplicationConfig(
            replicaLagTimeMaxMs: config.replicaLagTimeMaxMs, replicaFetchWaitMaxMs: Int32(config.replicaFetchWaitMaxMs),
            replicaFetchMinBytes: Int32(config.replicaFetchMinBytes), replicaFetchMaxBytes: Int32(config.replicaFetchMaxBytes),
            replicaFetchResponseMaxBytes: Int32(config.replicaFetchResponseMaxBytes),
            replicaFetchBackoffMs: Int64(config.replicaFetchBackoffMs))
    }

    /// The controller's policies from configuration.
    private var controllerSettings: Controller.Settings {
        Controller.Settings(
            uncleanLeaderElection: config.uncleanLeaderElectionEnable,
            autoLeaderRebalance: config.autoLeaderRebalanceEnable,
            leaderImbalanceCheckInterval: .seconds(config.leaderImbalanceCheckIntervalSeconds),
            leaderImbalancePerBrokerPercentage: config.leaderImbalancePerBrokerPercentage)
    }

    /// Registers this broker; a live registration of the same `node.id` (another broker, or this one's previous
    /// life whose lease has not run out yet) is waited out for one session TTL, then refused naming the key.
    private func registerRefusingDuplicates(_ info: BrokerInfo, store: any SluiceCluster.MetadataStore) async throws -> BrokerSession {
        let deadline = ContinuousClock.now.advanced(by: sessionTtl + .seconds(1))
        while true {
            do { return try await store.register(info, ttl: sessionTtl) } catch {
                guard case .conflict = error, ContinuousClock.now < deadline else {
                    if case .conflict = error {
                        throw ServerStartError(
                            configKey: "node.id", value: String(config.nodeId),
                            "broker id \(config.nodeId) is already registered in \(store.description) by a live "
                                + "broker: every broker of a cluster needs its own node.id (\(error))")
                    }
                    throw error
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Campaigns at start (the controller emits `controller_elected` when it wins). The embedded single broker
    /// is its own controller: its campaign always wins. With etcd another broker may hold the office; the
    /// controller's loop campaigns again whenever it falls vacant.
    private func campaign(_ controller: Controller) async throws {
        let won = try await controller.campaign()
        guard won != nil || !(config.metadataStore == .embedded) else {
            throw ServerStartError("broker \(brokerId) lost the controller campaign of its own embedded store")
        }
    }

    /// Keeps the session alive every `broker.heartbeat.interval.ms`. When the store cannot be reached the broker
    /// keeps serving until its lease would have run out (counted from the last renewal that succeeded); then, or
    /// as soon as the store says the lease is gone, it stops acting as leader and controller at once
    /// (`broker_session_lost`: no second leader can appear while it is cut off), registers again when the store
    /// answers, and campaigns again. The watch then gives it its roles back (as follower where another broker
    /// took over, which truncates a divergent tail).
    private func keepSessionAlive(_ parts: MetadataParts, info: BrokerInfo, handler: BrokerRequestHandler) async throws {
        var session = parts.session
        var renewedAt = ContinuousClock.now
        var storeReported = false
        while !Task.isCancelled {
            try await Task.sleep(for: heartbeatInterval)
            do {
                try await parts.store.keepAlive(session)
                renewedAt = .now
                if storeReported { logger.notice("broker \(brokerId): the metadata store answers again") }
                storeReported = false
                continue
            } catch .sessionExpired(let why) {
                logger.warning("broker \(brokerId): metadata session expired: \(why)")
            } catch {
                if !storeReported {
                    events.metadataStoreUnavailable(endpoints: storeEndpoints, error: "\(error)")
                    storeReported = true
                }
                guard renewedAt.duration(to: .now) >= session.ttl else { continue }
            }
            session = try await replaceSession(session, parts: parts, info: info, handler: handler)
            renewedAt = .now
        }
    }

    /// The session is gone: drop every leadership and the office, then register again (retrying until the store
    /// answers) and campaign.
    private func replaceSession(
        _ lost: BrokerSession, parts: MetadataParts, info: BrokerInfo, handler: BrokerRequestHandler
    ) async throws -> BrokerSession {
        let dropped = handler.replicaManager.dropLeadership(reason: "metadata session \(lost.id) lost")
        if let held = await parts.controller.current {
            events.controllerResigned(brokerId: brokerId, controllerEpoch: held.epoch, reason: "metadata session expired")
        }
        await parts.controller.replaceSession(lost)
        events.brokerSessionLost(brokerId: brokerId, leaseId: lost.id, rolesDropped: dropped)
        while true {
            try Task.checkCancellation()
            do {
                // etcd restores leases with a fresh TTL when it restarts: the old session may be alive again.
                let session: BrokerSession
                if (try? await parts.store.keepAlive(lost)) != nil {
                    session = lost
                } else {
                    session = try await parts.store.register(info, ttl: sessionTtl)
                }
                await parts.controller.replaceSession(session)
                _ = try? await parts.controller.campaign()
                // The roles dropped above come back from the metadata as it stands (leader again where no other
                // broker took over; follower, truncating, where one did).
                parts.listener.reapplyRoles()
                logger.notice("broker \(brokerId) registered again under session \(session.id)")
                return session
            } catch {
                logger.warning("broker \(brokerId) cannot register again yet: \(error)")
                try await Task.sleep(for: heartbeatInterval)
            }
        }
    }

    /// `metadata.store` without its scheme, for events: `127.0.0.1:2379,…` or `embedded`.
    private var storeEndpoints: String {
        guard case .etcd(let endpoints) = config.metadataStore else { return "embedded" }
        return endpoints.map(\.description).joined(separator: ",")
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

    /// The embedded file store, or etcd: reached at once, or start-up fails naming the endpoints
    /// (`metadata_store_unavailable`, exit 1).
    private func makeMetadataStore(directory: String) async throws -> any SluiceCluster.MetadataStore {
        guard case .etcd(let endpoints) = config.metadataStore else {
            storeMetrics.markEmbeddedStoreUp()
            return try EmbeddedMetadataStore(directory: directory, clusterId: config.clusterId)
        }
        do {
            return try await EtcdMetadataStore(
                endpoints: endpoints.map(\.description), clusterId: config.clusterId, metrics: storeMetrics,
                logger: logger)
        } catch {
            events.metadataStoreUnavailable(endpoints: storeEndpoints, error: "\(error)")
            throw ServerStartError("cannot start broker \(brokerId): \(error) (metadata.store=\(config.metadataStore))")
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
    /// work runs on the `num.io.threads` pool. systemd's `STATUS=` line is refreshed every 5 s.
    private func maintenance(
        _ handler: BrokerRequestHandler, gateway: Gateway?, ioThreads: NIOThreadPool
    ) async throws {
        let replicaManager = handler.replicaManager
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
                notifier.status(Self.statusLine(
                    brokerId: brokerId, leading: replicaManager.leaderPartitionCount,
                    following: replicaManager.followerPartitionCount,
                    controller: handler.cache.image.controller?.brokerId == brokerId,
                    gatewayBacklog: gateway?.backlogRecords))
            }
        }
    }

    /// What `systemctl status` shows of a running broker, e.g. `broker 1: leading 6 partition(s), following 12,
    /// controller, gateway backlog 0 records`.
    static func statusLine(brokerId: Int32, leading: Int, following: Int, controller: Bool, gatewayBacklog: Int?) -> String {
        var line = "broker \(brokerId): leading \(leading) partition(s), following \(following), "
        line += controller ? "controller" : "not controller"
        if let gatewayBacklog { line += ", gateway backlog \(gatewayBacklog) records" }
        return line
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

extension SluiceServer {
    /// The group coordinator's settings from the group keys.
    var groupSettings: GroupCoordinator.Settings {
        GroupCoordinator.Settings(
            offsetsTopicPartitions: Int32(config.offsetsTopicNumPartitions),
            initialRebalanceDelayMs: Int64(config.groupInitialRebalanceDelayMs),
            sessionTimeoutRangeMs: Int32(config.groupMinSessionTimeoutMs)...Int32(config.groupMaxSessionTimeoutMs),
            commitTimeoutMs: Int32(config.offsetsCommitTimeoutMs), metadataMaxBytes: config.offsetMetadataMaxBytes,
            offsetsRetentionMs: config.offsetsRetentionMs,
            retentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
            offsetsTopicRetentionMs: config.offsetsTopicRetentionMs)
    }
}
