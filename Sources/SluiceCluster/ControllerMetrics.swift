import Prometheus
import SluiceObservability

extension MetricDefinition {
    // MARK: Controller and cluster (observability.md)

    /// `sluice_controller_active`: 1 on the broker holding the controller, else 0.
    public static let controllerActive = MetricDefinition(
        name: "sluice_controller_active", kind: .gauge,
        help: "1 while this broker is the cluster controller, else 0. Summed over the brokers it is 1 in a healthy cluster."
    )
    /// `sluice_controller_epoch`: the controller epoch this broker knows.
    public static let controllerEpoch = MetricDefinition(
        name: "sluice_controller_epoch", kind: .gauge,
        help: "The controller epoch this broker knows (the controller key's create revision); 0 before any is known."
    )
    /// `sluice_controller_elections_total`: campaigns this broker won.
    public static let controllerElections = MetricDefinition(
        name: "sluice_controller_elections_total", kind: .counter,
        help: "Times this broker won the controller race."
    )
    /// `sluice_controller_offline_partitions`: partitions without a leader, as the controller sees them.
    public static let controllerOfflinePartitions = MetricDefinition(
        name: "sluice_controller_offline_partitions", kind: .gauge,
        help: "Partitions with no leader (leader -1) in the metadata; reported by the controller only, 0 elsewhere."
    )
    /// `sluice_cluster_brokers_alive`: registered brokers, as the controller sees them.
    public static let clusterBrokersAlive = MetricDefinition(
        name: "sluice_cluster_brokers_alive", kind: .gauge,
        help: "Brokers with a live registration in the metadata store; reported by the controller only, 0 elsewhere."
    )
    /// `sluice_leader_elections_total{type}`: partition leader elections this broker made as controller.
    public static let leaderElections = MetricDefinition(
        name: "sluice_leader_elections_total", kind: .counter, labelNames: ["type"],
        help: "Partition leader elections made by this broker as controller, by type: clean (an ISR member took "
            + "over), unclean (an out-of-sync replica did: acknowledged records may be lost), controlled (a broker "
            + "shut down in order) or preferred (the first assigned replica leads again)."
    )
    /// `sluice_leader_election_seconds`: broker loss detected → new leader published.
    public static let leaderElectionSeconds = MetricDefinition(
        name: "sluice_leader_election_seconds", kind: .histogram,
        help: "Seconds from the controller seeing a broker lost (or asked to move leadership) to the new leader's "
            + "state committed in the metadata store."
    )
}

/// The controller's metrics (observability.md, "Controller and cluster"), declared at start on the broker's
/// registry so a non-controller shows zeros rather than no data. Updated on the control plane only: each
/// campaign, resignation and applied metadata revision.
public final class ControllerMetrics: Sendable {
    /// Every metric this type declares.
    public static let definitions: [MetricDefinition] = [
        .controllerActive, .controllerEpoch, .controllerElections, .controllerOfflinePartitions, .clusterBrokersAlive,
        .leaderElections, .leaderElectionSeconds,
    ]

    /// Buckets of ``leaderElectionSeconds``: 1 ms to 60 s (a lease TTL, and more).
    public static let electionBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(1_500),
        .seconds(2), .seconds(3), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    let active: Gauge
    let epoch: Gauge
    let elections: Prometheus.Counter
    let offlinePartitions: Gauge
    let brokersAlive: Gauge
    /// One series per election type, all declared at start.
    let electionsByType: [LeaderElectionType: Prometheus.Counter]
    let electionSeconds: DurationHistogram

    public init(registry: PrometheusCollectorRegistry) {
        active = registry.makeGauge(.controllerActive)
        epoch = registry.makeGauge(.controllerEpoch)
        elections = registry.makeCounter(.controllerElections)
        offlinePartitions = registry.makeGauge(.controllerOfflinePartitions)
        brokersAlive = registry.makeGauge(.clusterBrokersAlive)
        var byType: [LeaderElectionType: Prometheus.Counter] = [:]
        for type in LeaderElectionType.allCases {
            byType[type] = registry.makeCounter(.leaderElections, labelValues: [type.rawValue])
        }
        electionsByType = byType
        electionSeconds = registry.makeDurationHistogram(.leaderElectionSeconds, buckets: Self.electionBuckets)
    }

    /// A leader election of `type` committed `duration` after its cause was seen.
    func elected(_ type: LeaderElectionType, after duration: Duration) {
        electionsByType[type]?.increment(by: Int64(1))
        electionSeconds.record(duration)
    }

    /// This broker won the campaign at `controllerEpoch`.
    func won(controllerEpoch: Int64) {
        elections.increment(by: Int64(1))
        active.set(Int64(1))
        epoch.set(controllerEpoch)
    }

    /// This broker no longer holds the controller (resigned, or its session was lost).
    func leftOffice() {
        active.set(Int64(0))
        offlinePartitions.set(Int64(0))
        brokersAlive.set(Int64(0))
    }

    /// The cluster as this broker's metadata shows it after a revision: `controller` is who holds the office,
    /// `brokersAlive` and `offlinePartitions` are published only when that is `localBrokerId`.
    public func observe(controller: ControllerInfo?, localBrokerId: Int32, brokersAlive: Int, offlinePartitions: Int) {
        if let controller { epoch.set(controller.epoch) }
        let leading = controller?.brokerId == localBrokerId
        self.brokersAlive.set(Int64(leading ? brokersAlive : 0))
        self.offlinePartitions.set(Int64(leading ? offlinePartitions : 0))
    }
}
