/// Kafka's API keys (`clients/src/main/resources/common/message/*Request.json`, `apiKey`), those Sluice serves.
public enum KafkaApiKey: Int16, Sendable, CaseIterable {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case leaveGroup = 13
    case syncGroup = 14
    case describeGroups = 15
    case listGroups = 16
    case apiVersions = 18
    case createTopics = 19
    case deleteTopics = 20
    case initProducerId = 22
    case offsetForLeaderEpoch = 23
    case describeConfigs = 32

    /// The versions advertised by ApiVersions: never one that is not fully honoured. Produce is advertised from
    /// v0 although only v3 and later are served (`servedVersions`): librdkafka before 2.11.1 turns compression off
    /// when Produce's minimum is above 0; v0–v2 requests are answered UNSUPPORTED_VERSION per partition.
    public var advertisedVersions: ClosedRange<Int16> {
        switch self {
        case .produce: return 0...8
        case .fetch: return 4...11
        case .listOffsets: return 1...5
        case .metadata: return 0...8
        case .offsetCommit: return 2...7
        case .offsetFetch: return 1...5
        case .findCoordinator: return 0...2
        case .joinGroup: return 0...5
        case .heartbeat: return 0...3
        case .leaveGroup: return 0...3
        case .syncGroup: return 0...3
        case .describeGroups: return 0...4
        case .listGroups: return 0...2
        case .apiVersions: return 0...3
        case .createTopics: return 2...4
        case .deleteTopics: return 1...3
        case .initProducerId: return 0...1
        case .offsetForLeaderEpoch: return 2...3
        case .describeConfigs: return 1...3
        }
    }

    /// The versions whose requests are decoded and served; within `advertisedVersions`.
    public var servedVersions: ClosedRange<Int16> {
        switch self {
        case .produce: return 3...8
        default: return advertisedVersions
        }
    }

    /// Whether `version` of this API uses the flexible encoding (KIP-482): request header v2, compact types,
    /// tagged fields. Of the versions served only ApiVersions v3 is.
    public func isFlexible(_ version: Int16) -> Bool {
        switch self {
        case .produce: return version >= 9
        case .fetch: return version >= 12
        case .listOffsets: return version >= 6
        case .metadata: return version >= 9
        case .offsetCommit: return version >= 8
        case .offsetFetch: return version >= 6
        case .findCoordinator: return version >= 3
        case .joinGroup: return version >= 6
        case .heartbeat, .leaveGroup, .syncGroup: return version >= 4
        case .describeGroups: return version >= 5
        case .listGroups: return version >= 3
        case .apiVersions: return version >= 3
        case .createTopics: return version >= 5
        case .deleteTopics: return version >= 4
        case .initProducerId: return version >= 2
        case .offsetForLeaderEpoch: return version >= 4
        case .describeConfigs: return version >= 4
        }
    }

    /// The name in `sluice_broker_requests_total{api}` and in logs: Kafka's message name.
    public var name: String {
        switch self {
        case .produce: return "Produce"
        case .fetch: return "Fetch"
        case .listOffsets: return "ListOffsets"
        case .metadata: return "Metadata"
        case .offsetCommit: return "OffsetCommit"
        case .offsetFetch: return "OffsetFetch"
        case .findCoordinator: return "FindCoordinator"
        case .joinGroup: return "JoinGroup"
        case .heartbeat: return "Heartbeat"
        case .leaveGroup: return "LeaveGroup"
        case .syncGroup: return "SyncGroup"
        case .describeGroups: return "DescribeGroups"
        case .listGroups: return "ListGroups"
        case .apiVersions: return "ApiVersions"
        case .createTopics: return "CreateTopics"
        case .deleteTopics: return "DeleteTopics"
        case .initProducerId: return "InitProducerId"
        case .offsetForLeaderEpoch: return "OffsetForLeaderEpoch"
        case .describeConfigs: return "DescribeConfigs"
        }
    }
}
