/// Every catalogued journald event of Sluice (observability.md, "Journald events").
///
/// The raw value is the `SLUICE_EVENT` field; ``messageID`` is the fixed 128-bit `MESSAGE_ID` that
/// `systemd/sluice.catalog` explains. Both are public API: operators filter on them and the ids must
/// never change. A new event kind adds a case here, a catalog entry and an ``EventEmitter`` method.
public enum EventKind: String, Sendable, CaseIterable {
    /// The broker bound its listeners and loaded metadata.
    case brokerReady = "broker_ready"
    /// The broker began shutting down.
    case brokerStopping = "broker_stopping"
    /// The controller saw a broker register.
    case brokerRegistered = "broker_registered"
    /// The controller saw a broker's registration lease expire.
    case brokerLost = "broker_lost"
    /// This broker won the controller race.
    case controllerElected = "controller_elected"
    /// This broker stopped being the controller.
    case controllerResigned = "controller_resigned"
    /// The controller chose a new leader for a partition.
    case leaderElected = "leader_elected"
    /// A partition has no leader.
    case partitionOffline = "partition_offline"
    /// A leader removed a replica from the in-sync replica set.
    case isrShrink = "isr_shrink"
    /// A leader added a replica back to the in-sync replica set.
    case isrExpand = "isr_expand"
    /// A partition's ISR fell below `min.insync.replicas`.
    case underMinISR = "under_min_isr"
    /// A replica truncated its log tail to match its leader.
    case logTruncated = "log_truncated"
    /// Start-up recovery validated (and perhaps truncated) a partition's log.
    case logRecovered = "log_recovered"
    /// A producer was fenced by a newer epoch.
    case producerFenced = "producer_fenced"
    /// A configuration key had a value the broker refuses.
    case configError = "config_error"
    /// This broker's metadata session (etcd lease) ran out: it stopped acting as leader and controller.
    case brokerSessionLost = "broker_session_lost"
    /// The metadata store (etcd) cannot be reached.
    case metadataStoreUnavailable = "metadata_store_unavailable"
    /// A consumer group completed a rebalance: a new generation with its members.
    case groupRebalanced = "group_rebalanced"
    /// A consumer group's last member left; its committed offsets stay.
    case groupEmpty = "group_empty"

    /// The journald `MESSAGE_ID` of this kind: 32 lowercase hex digits, fixed forever.
    public var messageID: String {
        switch self {
        case .brokerReady: return "a0dd1f2a99544acda1dedae2e790abab"
        case .brokerStopping: return "b2daf811861b4d77aa6948b00a297334"
        case .brokerRegistered: return "801c2e0c4a624117900f59818614f388"
        case .brokerLost: return "f3ca84e5c17b4658a13a6beebd1367c0"
        case .controllerElected: return "afe2bb6058de48a9b0fb3127099b2bba"
        case .controllerResigned: return "2a70f79d4e8c47019db30e02e0c69a6b"
        case .leaderElected: return "7d2038d95197468f8174ca42816f3ecf"
        case .partitionOffline: return "49c711351804403da04076f7535d6cfa"
        case .isrShrink: return "32acaadd888542f6865b7a36335b42cd"
        case .isrExpand: return "0cae1f7c56a7486fab9deff2906969d2"
        case .underMinISR: return "63a3396c52fd4ac68ed76abbb7487a38"
        case .logTruncated: return "18eee5da85734643bfba296eed7aad89"
        case .logRecovered: return "1af858186499472a8f6428eefda1ff0a"
        case .producerFenced: return "5f74707669d74ae4ae0aa627b0acd6cd"
        case .configError: return "9e4253bb25b84cf08e62e15c83e32e2b"
        case .brokerSessionLost: return "5a7edd466fa0474caa1382cfcfecbfd2"
        case .metadataStoreUnavailable: return "1722c9ea80e9405ba947e96d4eb772fc"
        case .groupRebalanced: return "e54452bbab33444b80c390d6d4c182b0"
        case .groupEmpty: return "41df1c9a80a7433ca8a9d322654006ae"
        }
    }

    /// The usual priority of this kind; ``leaderElected`` (unclean) and ``logTruncated`` (acknowledged
    /// records lost) are raised by their emitter methods.
    public var defaultPriority: SyslogPriority {
        switch self {
        case .brokerReady, .brokerRegistered, .isrExpand, .logRecovered, .groupRebalanced, .groupEmpty: return .info
        case .brokerStopping, .controllerElected, .controllerResigned, .leaderElected: return .notice
        case .brokerLost, .isrShrink, .logTruncated, .producerFenced: return .warning
        case .partitionOffline, .underMinISR, .configError, .brokerSessionLost, .metadataStoreUnavailable: return .error
        }
    }

    /// The event's own journal fields, in the order observability.md lists them (upper case).
    public var fieldNames: [String] {
        switch self {
        case .brokerReady: return ["BROKER_ID", "LISTENERS", "METADATA_STORE"]
        case .brokerStopping: return ["BROKER_ID", "REASON"]
        case .brokerRegistered: return ["BROKER_ID"]
        case .brokerLost: return ["BROKER_ID", "LEASE_ID"]
        case .controllerElected: return ["BROKER_ID", "CONTROLLER_EPOCH", "PREVIOUS_CONTROLLER"]
        case .controllerResigned: return ["BROKER_ID", "CONTROLLER_EPOCH", "REASON"]
        case .leaderElected:
            return [
                "TOPIC", "PARTITION", "LEADER", "PREVIOUS_LEADER", "LEADER_EPOCH", "ISR", "ELECTION", "DURATION_MS",
            ]
        case .partitionOffline: return ["TOPIC", "PARTITION", "REPLICAS", "REASON"]
        case .isrShrink:
            return ["TOPIC", "PARTITION", "REPLICA", "ISR_BEFORE", "ISR_AFTER", "LAG_RECORDS", "LAG_MS"]
        case .isrExpand: return ["TOPIC", "PARTITION", "REPLICA", "ISR_BEFORE", "ISR_AFTER"]
        case .underMinISR: return ["TOPIC", "PARTITION", "ISR", "MIN_INSYNC_REPLICAS"]
        case .logTruncated:
            return ["TOPIC", "PARTITION", "FROM_OFFSET", "TO_OFFSET", "RECORDS", "ACKED_RECORDS", "LEADER_EPOCH"]
        case .logRecovered: return ["TOPIC", "PARTITION", "SEGMENTS", "TRUNCATED_BYTES"]
        case .producerFenced: return ["PRODUCER_ID", "PRODUCER_EPOCH", "TOPIC", "PARTITION"]
        case .configError: return ["KEY", "VALUE", "PROBLEM"]
        case .brokerSessionLost: return ["BROKER_ID", "LEASE_ID", "ROLES_DROPPED"]
        case .metadataStoreUnavailable: return ["ENDPOINTS", "ERROR"]
        case .groupRebalanced: return ["GROUP", "GENERATION", "MEMBERS", "REASON"]
        case .groupEmpty: return ["GROUP"]
        }
    }
}
