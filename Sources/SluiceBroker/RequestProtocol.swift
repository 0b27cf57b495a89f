/// The `protocol` label of `sluice_broker_requests_total`: which protocol a request came in on (both share the
/// listener port).
public enum RequestProtocol: String, Sendable, CaseIterable {
    /// Sluice's own protobuf-c protocol.
    case native
    /// Kafka's wire protocol, from Kafka's clients.
    case kafka
}
