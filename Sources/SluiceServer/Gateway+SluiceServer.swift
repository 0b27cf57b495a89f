import SluiceBroker
import SluiceConfig
import SluiceObservability
import SluiceProducer
import SluiceWire

/// Wiring the producer gateway into the daemon: its producer, metrics and topic lookup.
extension SluiceServer {
    /// How long a graceful stop waits for the gateway's producer to send what it still buffers.
    static let gatewayCloseTimeout: Duration = .seconds(10)

    /// The gateway, or nil when `gateway.enable=false`. Its producer bootstraps from this broker's own bound
    /// native listener (in a cluster the metadata it gets there leads it to every partition leader) and
    /// declares its metrics on the broker's registry, so `/metrics` shows them. Connects lazily.
    func makeGateway(
        handlers: HandlerSlot, nativeHost: String, nativePort: Int
    ) throws(ConfigError) -> Gateway? {
        guard gateway.enabled else { return nil }
        let bootstrap = Self.dialableAddress(host: nativeHost, port: nativePort)
        let producer: Gateway.BytesProducer
        let properties = gateway.producerProperties(bootstrap: bootstrap)
        // gateway.metrics.enabled=false (or the broker's metrics.enabled=false) stops updating the series.
        let recording = config.metricsEnabled && properties["metrics.enabled"]?.lowercased() != "false"
        do {
            producer = try Gateway.BytesProducer(
                config: properties, metrics: ProducerMetrics(registry: metrics.registry, recording: recording))
        } catch {
            throw GatewayConfig.prefixed(error)
        }
        logger.info("producer gateway on the HTTP listener, sending to \(bootstrap)")
        return Gateway(
            requestBytesMax: gateway.requestBytesMax, producer: producer,
            metrics: GatewayMetrics(registry: metrics.registry), topics: Self.topicLookup(handlers), logger: logger)
    }

    /// `host:port` a local client can connect to: a wildcard bind address becomes the matching loopback.
    static func dialableAddress(host: String, port: Int) -> String {
        precondition((1...65_535).contains(port), "the native listener is bound to a real port, not \(port)")
        switch host {
        case "", "0.0.0.0": return "127.0.0.1:\(port)"
        case "::": return "[::1]:\(port)"
        default: return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// Looks topics up with a Metadata request to this broker's own handler, in-process: the same answer a
    /// client gets, from the cluster's metadata store.
    /// Until the broker has loaded its metadata (the HTTP listener serves during log recovery), the answer is
    /// "unavailable: the broker is starting".
    static func topicLookup(_ handlers: HandlerSlot) -> GatewayTopicLookup {
        { topic in
            guard let handler = handlers.handler else { return .unavailable("the broker is starting") }
            let request = SluiceWire.Request(
                correlationId: 0, clientId: "sluiced-gateway", body: .metadata(MetadataRequest(topics: [topic])))
            let response = await handler.handle(request)
            guard case .metadata(let metadata) = response.body else {
                return .unavailable("\(response.errorCode.name): \(response.errorMessage)")
            }
            guard let entry = metadata.topics.first(where: { $0.name == topic }) else {
                return .unavailable("the metadata store did not answer")
            }
            switch entry.errorCode {
            case .none:
                guard !entry.partitions.isEmpty else { return .unavailable("the topic has no partitions") }
                return .found(partitionCount: Int32(entry.partitions.count))
            case .unknownTopicOrPartition: return .notFound
            default: return .unavailable(entry.errorCode.name)
            }
        }
    }
}
