extension EventEmitter {
    /// `broker_ready` (info): listeners are bound and metadata is loaded; sent together with `READY=1`.
    /// - Parameters:
    ///   - listeners: the bound listeners as configured (`PLAINTEXT://0.0.0.0:9092`), joined by commas.
    ///   - metadataStore: `embedded` or the `metadata.store` URL.
    public func brokerReady(brokerId: Int32, listeners: [String], metadataStore: String) {
        let joined = listeners.joined(separator: ",")
        emit(
            event: .brokerReady,
            priority: EventKind.brokerReady.defaultPriority,
            message: "Broker \(brokerId) is ready: listening on \(joined.isEmpty ? "nothing" : joined), "
                + "metadata store \(metadataStore).",
            fields: [("BROKER_ID", String(brokerId)), ("LISTENERS", joined), ("METADATA_STORE", metadataStore)]
        )
    }

    /// `broker_stopping` (notice): the broker began an orderly shutdown; `reason` says why (`SIGTERM`, …).
    public func brokerStopping(brokerId: Int32, reason: String) {
        emit(
            event: .brokerStopping,
            priority: EventKind.brokerStopping.defaultPriority,
            message: "Broker \(brokerId) is stopping: \(reason).",
            fields: [("BROKER_ID", String(brokerId)), ("REASON", reason)]
        )
    }

    /// `broker_registered` (info): the controller saw broker `brokerId` register (join or rejoin).
    public func brokerRegistered(brokerId: Int32) {
        emit(
            event: .brokerRegistered,
            priority: EventKind.brokerRegistered.defaultPriority,
            message: "Broker \(brokerId) registered with the cluster.",
            fields: [("BROKER_ID", String(brokerId))]
        )
    }

    /// `broker_lost` (warning): the controller saw broker `brokerId`'s registration lease `leaseId` expire.
    public func brokerLost(brokerId: Int32, leaseId: Int64) {
        emit(
            event: .brokerLost,
            priority: EventKind.brokerLost.defaultPriority,
            message: "Broker \(brokerId) was lost: its registration lease \(leaseId) expired.",
            fields: [("BROKER_ID", String(brokerId)), ("LEASE_ID", String(leaseId))]
        )
    }

    /// `config_error` (err): configuration key `key` has value `value`, refused because of `problem` (what
    /// is allowed). Sent before the daemon exits with EX_CONFIG (78).
    public func configError(key: String, value: String, problem: String) {
        emit(
            event: .configError,
            priority: EventKind.configError.defaultPriority,
            message: "Configuration key \(key) has a bad value '\(value)': \(problem).",
            fields: [("KEY", key), ("VALUE", value), ("PROBLEM", problem)]
        )
    }

    /// `broker_session_lost` (err): broker `brokerId`'s metadata session `leaseId` ran out; it stopped acting as
    /// leader of `rolesDropped` partitions (and as controller) to rule out a second leader.
    public func brokerSessionLost(brokerId: Int32, leaseId: Int64, rolesDropped: Int) {
        emit(
            event: .brokerSessionLost,
            priority: EventKind.brokerSessionLost.defaultPriority,
            message: "Broker \(brokerId) lost its metadata session (lease \(leaseId)): it stopped accepting writes "
                + "as leader of \(rolesDropped) partition(s) and registers again when the store answers.",
            fields: [("BROKER_ID", String(brokerId)), ("LEASE_ID", String(leaseId)), ("ROLES_DROPPED", String(rolesDropped))]
        )
    }

    /// `metadata_store_unavailable` (err): the metadata store at `endpoints` could not be reached: `error`.
    public func metadataStoreUnavailable(endpoints: String, error: String) {
        emit(
            event: .metadataStoreUnavailable,
            priority: EventKind.metadataStoreUnavailable.defaultPriority,
            message: "The metadata store at \(endpoints) is unreachable: \(error).",
            fields: [("ENDPOINTS", endpoints), ("ERROR", error)]
        )
    }
}
