/// Kafka's API keys (`clients/src/main/resources/common/message/*Request.json`, `apiKey`), those Sluice serves.
public enum KafkaApiKey: Int16, Sendable, CaseIterable {
    case metadata = 3
    case apiVersions = 18

    /// The versions served, advertised by ApiVersions: never one that is not fully honoured.
    public var supportedVersions: ClosedRange<Int16> {
        switch self {
        case .metadata: return 0...8
        case .apiVersions: return 0...3
        }
    }

    /// Whether `version` of this API uses the flexible encoding (KIP-482): request header v2, compact types,
    /// tagged fields. ApiVersions is flexible from v3, Metadata from v9 (not served).
    public func isFlexible(_ version: Int16) -> Bool {
        switch self {
        case .metadata: return version >= 9
        case .apiVersions: return version >= 3
        }
    }

    /// The name in `sluice_broker_requests_total{api}` and in logs: Kafka's message name.
    public var name: String {
        switch self {
        case .metadata: return "Metadata"
        case .apiVersions: return "ApiVersions"
        }
    }
}
