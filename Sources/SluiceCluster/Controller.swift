import Logging
import SluiceObservability
import SluiceWire

/// The cluster controller (Kafka's `KafkaController`): the broker that won the campaign creates and deletes
/// topics (replica assignment included) and elects partition leaders, all as writes to the store fenced by its
/// controller epoch. Brokers learn of them through their own watch and take the roles themselves.
///
/// ``run()`` is its life: campaign whenever the office is vacant; while in office, rebuild the view from the store,
/// elect leaders wherever the leader is not alive (``LeaderElection``), and react to broker registrations and
/// losses on the watch; periodically move leadership back to preferred replicas. A deposed controller (its write
/// `.fenced`, another broker's key seen) stops at once.
///
/// An actor: control plane; every write awaits the store. Re-checks `office` after each await.
public actor Controller {
    /// Draws a number in `0..<upperBound` (Kafka's `rand.nextInt`); injectable for tests.
    public typealias RandomIndex = @Sendable (_ upperBound: Int) -> Int

    /// The controller's broker-level policies (Kafka's key names).
    public struct Settings: Sendable, Hashable {
        /// `unclean.leader.election.enable`: the default for topics that do not set it themselves.
        public var uncleanLeaderElection: Bool
        /// `auto.leader.rebalance.enable`: move leadership back to preferred replicas periodically.
        public var autoLeaderRebalance: Bool
        /// `leader.imbalance.check.interval.seconds`: how often the rebalance check runs.
        public var leaderImbalanceCheckInterval: Duration
        /// `leader.imbalance.per.broker.percentage`: a broker's share of its preferred partitions led elsewhere
        /// above which the check elects preferred leaders for them.
        public var leaderImbalancePerBrokerPercentage: Int
        /// Wait before retrying a store read or watch that failed.
        public var retryBackoff: Duration

        public init(
            uncleanLeaderElection: Bool = false, autoLeaderRebalance: Bool = true,
            leaderImbalanceCheckInterval: Duration = .seconds(300), leaderImbalancePerBrokerPercentage: Int = 10,
            retryBackoff: Duration = .milliseconds(500)
        ) {
            precondition(leaderImbalanceCheckInterval > .zero, "leader.imbalance.check.interval.seconds must be positive")
            self.uncleanLeaderElection = uncleanLeaderElection
            self.autoLeaderRebalance = autoLeaderRebalance
            self.leaderImbalanceCheckInterval = leaderImbalanceCheckInterval
            self.leaderImbalancePerBrokerPercentage = leaderImbalancePerBrokerPercentage
            self.retryBackoff = retryBackoff
        }
    }

    /// One committed leader change, as ``electPreferred(topics:)`` and ``controlledShutdown(of:)`` report it.
    public struct Election: Sendable, Hashable {
        public var topic: String
        public var state: PartitionState
        public var previousLeader: Int32
        public var election: LeaderElectionType?
    }

    private let store: any MetadataStore
    private var session: BrokerSession
    private let random: RandomIndex
    private let metrics: ControllerMetrics?
    private let events: EventEmitter?
    private let settings: Settings
    private let logger: Logger
    /// The epoch this broker won, nil when it is not controller.
    private var office: ControllerInfo?
    /// The controller the store last named (nil: vacant).
    private var knownController: ControllerInfo?
    /// The last broker seen holding the office, for `controller_elected`'s PREVIOUS_CONTROLLER.
    private var previousController: Int32?
    /// Brokers registered, as the watch shows them.
    private var liveBrokers: Set<Int32> = []
    /// When each lost broker's deregistration was seen: elections it causes are timed from there.
    private var lostAt: [Int32: ContinuousClock.Instant] = [:]
    /// Brokers seen lost while this broker was not controller, reported once it takes office. Bound: the brokers.
    private var unreportedLosses: Set<Int32> = []
    /// Brokers in controlled shutdown: never elected until they register again. Bound: the brokers.
    private var shuttingDown: Set<Int32> = []
    /// Store revision up to which ``run()`` has applied the watch; 0 until it first read the store.
    private var followedRevision: Int64 = 0

    public init(
        store: any MetadataStore, session: BrokerSession, metrics: ControllerMetrics? = nil,
        events: EventEmitter? = nil, settings: Settings = Settings(),
        logger: Logger = Logger(label: "sluice.controller"),
        random: @escaping RandomIndex = { Int.random(in: 0..<$0) }
    ) {
        self.store = store
        self.session = session
        self.metrics = metrics
        self.events = events
        self.settings = settings
        self.logger = logger
        self.random = random
    }

    /// The controller this broker holds, nil when it does not.
    public var current: ControllerInfo? { office }

    /// The broker session campaigns run under (replaced after a lost session is registered again).
    public var brokerSession: BrokerSession { session }

    private var brokerId: Int32 { session.brokerId }

    /// The store revision ``run()`` has seen up to (0 before its first read): a test or a caller waits on it to
    /// know that later changes will be observed as changes.
    public var observedRevision: Int64 { followedRevision }

    // MARK: office

    /// Campaigns under the session; returns the epoch won, nil when another broker is controller. A new win
    /// emits `controller_elected`.
    @discardableResult
    public func campaign() async throws(MetadataError) -> ControllerInfo? {
        let won = try await store.campaign(session)
        if let won, won != office {
            metrics?.won(controllerEpoch: won.epoch)
            events?.controllerElected(brokerId: brokerId, controllerEpoch: won.epoch, previousController: previousController)
            logger.notice("broker \(brokerId) is the controller at epoch \(won.epoch)")
        }
        if won == nil, office != nil { metrics?.leftOffice() }
        office = won
        if let won {
            knownController = won
            previousController = won.brokerId
        }
        return won
    }

    /// After the session was lost and registered again: the old office is gone with the old lease.
    public func replaceSession(_ replacement: BrokerSession) {
        precondition(replacement.brokerId == session.brokerId, "a controller keeps its broker id")
        session = replacement
        if office != nil { metrics?.leftOffice() }
        office = nil
    }

    /// Gives the office up (controlled shutdown); returns the epoch given up, nil when it held none.
    @discardableResult
    public func resign() async throws(MetadataError) -> ControllerInfo? {
        guard let held = office else { return nil }
        office = nil
        metrics?.leftOffice()
        try await store.resign(session, controllerEpoch: held.epoch)
        return held
    }

    /// The office is lost without resigning (a fenced write, another broker's key): stop acting at once.
    private func deposed(_ why: String) {
        guard let held = office else { return }
        office = nil
        metrics?.leftOffice()
        events?.controllerResigned(brokerId: brokerId, controllerEpoch: held.epoch, reason: why)
        logger.warning("broker \(brokerId) is no longer the controller of epoch \(held.epoch): \(why)")
    }

    // MARK: life

    /// Runs until cancelled: follows the store (campaigns, elections on broker changes) and, with
    /// `auto.leader.rebalance.enable`, checks leader imbalance every `leader.imbalance.check.interval.seconds`.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await self.followStore() }
            if settings.autoLeaderRebalance {
                let interval = settings.leaderImbalanceCheckInterval
                tasks.addTask {
                    while true {
                        try await Task.sleep(for: interval)
                        await self.rebalanceIfImbalanced()
                    }
                }
            }
            _ = try await tasks.next()
            tasks.cancelAll()
        }
    }

    /// Snapshot, campaign if vacant, reconcile if in office, then react to the watch; a watch that ends (or a
    /// compacted revision) starts over from a fresh snapshot. Bound: one pass per watch stream.
    private func followStore() async throws {
        while !Task.isCancelled {
            let snapshot: ClusterSnapshot
            let changes: AsyncStream<MetadataWatchEvent>
            do {
                snapshot = try await store.snapshot()
                changes = try await store.watch(fromRevision: snapshot.revision + 1)
            } catch {
                logger.warning("controller of broker \(brokerId) cannot read the metadata store: \(error)")
                try await Task.sleep(for: settings.retryBackoff)
                continue
            }
            liveBrokers = Set(snapshot.brokers.map(\.nodeId))
            followedRevision = snapshot.revision
            observeController(snapshot.controller)
            await campaignIfVacant()
            if office != nil { await reconcile(snapshot, causeSeenAt: .now) }
            for await watched in changes {
                guard case .change(let event) = watched else { break }
                await observe(event.change)
                followedRevision = max(followedRevision, event.revision)
            }
        }
    }

    /// Applies what the watch says to the controller's view, and acts on it.
    private func observe(_ change: MetadataChange) async {
        let seenAt = ContinuousClock.now
        switch change {
        case .controllerChanged(let info):
            observeController(info)
            if await campaignIfVacant() { await reconcileFromStore(causeSeenAt: seenAt) }
        case .brokerRegistered(let info):
            let isNew = liveBrokers.insert(info.nodeId).inserted
            shuttingDown.remove(info.nodeId)
            unreportedLosses.remove(info.nodeId)
            if info.nodeId == brokerId, await campaignIfVacant() { await reconcileFromStore(causeSeenAt: seenAt); return }
            guard office != nil, isNew else { return }
            events?.brokerRegistered(brokerId: info.nodeId)
            await reconcileFromStore(causeSeenAt: seenAt)
        case .brokerDeregistered(let id):
            liveBrokers.remove(id)
            shuttingDown.remove(id)
            lostAt[id] = seenAt
            guard office != nil else {
                unreportedLosses.insert(id)
                return
            }
            events?.brokerLost(brokerId: id, leaseId: -1)
            await reconcileFromStore(causeSeenAt: seenAt)
        case .topicCreated, .topicDeleted, .partitionChanged:
            break
        }
    }

    /// Who the store says holds the office; another broker's epoch (or a newer one) deposes this one.
    private func observeController(_ info: ControllerInfo?) {
        knownController = info
        if let info { previousController = info.brokerId }
        if let held = office, info != held {
            deposed(info.map { "broker \($0.brokerId) holds controller epoch \($0.epoch)" } ?? "the controller key is gone")
        }
    }

    /// Campaigns when no controller holds the office; true when this broker just won it.
    @discardableResult
    private func campaignIfVacant() async -> Bool {
        guard office == nil, knownController == nil else { return false }
        do { return try await campaign() != nil } catch {
            logger.info("broker \(brokerId) cannot campaign for controller now: \(error)")
            return false
        }
    }

    // MARK: elections

    private func reconcileFromStore(causeSeenAt: ContinuousClock.Instant) async {
        guard office != nil else { return }
        do { await reconcile(try await store.snapshot(), causeSeenAt: causeSeenAt) } catch {
            logger.warning("controller of broker \(brokerId) cannot read the metadata store: \(error)")
        }
    }

    /// Level-triggered: every partition of `initial` whose leader is not alive gets one elected (or goes
    /// offline), dead brokers leave ISRs. A lost compare-and-set re-reads and goes again (at most 3 passes).
    private func reconcile(_ initial: ClusterSnapshot, causeSeenAt: ContinuousClock.Instant) async {
        var snapshot = initial
        for _ in 0..<3 {
            // Brokers lost while this broker was not controller (often together with the previous controller) are
            // reported by the controller that acts on their loss.
            let registered = Set(snapshot.brokers.map(\.nodeId))
            for gone in unreportedLosses.subtracting(registered).sorted() {
                events?.brokerLost(brokerId: gone, leaseId: -1)
            }
            unreportedLosses.removeAll()
            liveBrokers = registered
            let alive = liveBrokers.subtracting(shuttingDown)
            var conflicted = false
            for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) {
                let unclean = uncleanAllowed(topic)
                for state in topic.partitions {
                    guard let decision = LeaderElection.afterBrokerChange(state, alive: alive, uncleanAllowed: unclean)
                    else { continue }
                    switch await commit(decision, topic: topic.name, causeSeenAt: causeSeenAt) {
                    case .committed, .failed: continue
                    case .conflict: conflicted = true
                    case .deposed: return
                    }
                }
            }
            guard conflicted else { return }
            do { snapshot = try await store.snapshot() } catch { return }
        }
    }

    /// A topic's `unclean.leader.election.enable` when it sets one, else the broker's.
    private func uncleanAllowed(_ topic: TopicState) -> Bool {
        guard let value = topic.configs["unclean.leader.election.enable"] else { return settings.uncleanLeaderElection }
        return value.lowercased() == "true"
    }

    private enum CommitOutcome { case committed, conflict, deposed, failed }

    /// Writes `decision` fenced by the office; reports it (event, metrics) once committed.
    private func commit(
        _ decision: LeaderElection.Decision, topic: String, causeSeenAt: ContinuousClock.Instant
    ) async -> CommitOutcome {
        guard let held = office else { return .deposed }
        var state = decision.state
        state.controllerEpoch = held.epoch
        do {
            let version = try await store.writePartition(
                topic: topic, state: state, expectedVersion: decision.state.version,
                fence: .controller(ControllerFence(epoch: held.epoch)))
            state.version = version
        } catch {
            switch error {
            case .conflict: return .conflict
            case .fenced:
                deposed("\(error)")
                return .deposed
            default:
                logger.warning("controller could not write \(topic)-\(state.partition): \(error)")
                return .failed
            }
        }
        report(LeaderElection.Decision(state: state, previousLeader: decision.previousLeader, election: decision.election),
               topic: topic, causeSeenAt: causeSeenAt)
        return .committed
    }

    private func report(_ decision: LeaderElection.Decision, topic: String, causeSeenAt: ContinuousClock.Instant) {
        let state = decision.state
        let since = decision.previousLeader >= 0 ? lostAt[decision.previousLeader] ?? causeSeenAt : causeSeenAt
        let duration = since.duration(to: .now)
        if let election = decision.election {
            metrics?.elected(election, after: duration)
            events?.leaderElected(
                topic: topic, partition: state.partition, leader: state.leader,
                previousLeader: decision.previousLeader >= 0 ? decision.previousLeader : nil,
                leaderEpoch: state.leaderEpoch, isr: state.isr, election: election, duration: duration)
        } else if decision.isOffline {
            let reason = "no in-sync replica is alive (ISR \(state.isr.map(String.init).joined(separator: ",")))"
                + " and unclean.leader.election.enable is false"
            events?.partitionOffline(topic: topic, partition: state.partition, replicas: state.replicas, reason: reason)
        } else {
            logger.info("controller removed dead brokers from the ISR of \(topic)-\(state.partition): now \(state.isr)")
        }
    }

    /// Moves leadership of the partitions of `topics` (every topic when nil) to their preferred replica where it
    /// is alive and in sync (`sluice cluster elect-preferred`). Returns the elections committed.
    public func electPreferred(topics: Set<String>? = nil) async throws(SluiceError) -> [Election] {
        _ = try requireOffice()
        let snapshot: ClusterSnapshot
        do { snapshot = try await store.snapshot() } catch { throw SluiceError(error.errorCode, error.description) }
        let alive = Set(snapshot.brokers.map(\.nodeId)).subtracting(shuttingDown)
        var elections: [Election] = []
        for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) where topics?.contains(topic.name) ?? true {
            for state in topic.partitions {
                guard let decision = LeaderElection.preferred(state, alive: alive) else { continue }
                if await commit(decision, topic: topic.name, causeSeenAt: .now) == .committed {
                    elections.append(Election(
                        topic: topic.name, state: decision.state, previousLeader: decision.previousLeader,
                        election: .preferred))
                }
            }
        }
        return elections
    }

    /// Moves leadership away from `broker`, which is shutting down in order, and drops it from the ISRs it is
    /// in; it is not elected again until it registers anew. Returns how many partitions it still leads (those
    /// with no other live in-sync replica: Kafka leaves them).
    public func controlledShutdown(of broker: Int32) async throws(SluiceError) -> Int {
        _ = try requireOffice()
        shuttingDown.insert(broker)
        let snapshot: ClusterSnapshot
        do { snapshot = try await store.snapshot() } catch { throw SluiceError(error.errorCode, error.description) }
        let alive = Set(snapshot.brokers.map(\.nodeId)).subtracting(shuttingDown)
        var remaining = 0
        for topic in snapshot.topics.values.sorted(by: { $0.name < $1.name }) {
            for state in topic.partitions {
                let decision = LeaderElection.controlledShutdown(state, broker: broker, alive: alive)
                let committed = if let decision { await commit(decision, topic: topic.name, causeSeenAt: .now) == .committed } else { false }
                let moved = committed && decision?.election == .controlled
                if state.leader == broker, !moved { remaining += 1 }
            }
        }
        return remaining
    }

    /// Kafka's auto leader rebalance: for each broker whose share of preferred partitions led elsewhere exceeds
    /// `leader.imbalance.per.broker.percentage`, elects it back where it is alive and in sync.
    private func rebalanceIfImbalanced() async {
        guard office != nil else { return }
        let snapshot: ClusterSnapshot
        do { snapshot = try await store.snapshot() } catch { return }
        let partitions = snapshot.topics.values.flatMap { topic in topic.partitions.map { (topic.name, $0) } }
        var preferredCount: [Int32: Int] = [:]
        var elsewhere: [Int32: Int] = [:]
        for (_, state) in partitions {
            guard let preferred = state.replicas.first else { continue }
            preferredCount[preferred, default: 0] += 1
            if state.leader != preferred { elsewhere[preferred, default: 0] += 1 }
        }
        let imbalanced = Set(elsewhere.keys.filter { broker in
            elsewhere[broker, default: 0] * 100 > settings.leaderImbalancePerBrokerPercentage * preferredCount[broker, default: 1]
        })
        guard !imbalanced.isEmpty else { return }
        let alive = Set(snapshot.brokers.map(\.nodeId)).subtracting(shuttingDown)
        for (topic, state) in partitions.sorted(by: { ($0.0, $0.1.partition) < ($1.0, $1.1.partition) }) {
            guard let preferred = state.replicas.first, imbalanced.contains(preferred),
                let decision = LeaderElection.preferred(state, alive: alive)
            else { continue }
            _ = await commit(decision, topic: topic, causeSeenAt: .now)
        }
    }

    // MARK: topics

    /// Creates `name` with replicas assigned round-robin over the registered brokers from a random start, each
    /// partition led by its first replica at leader epoch 0 with the whole assignment in sync. Returns the
    /// revision the topic was written at (wait for it to be applied to see the topic).
    /// - Throws: INVALID_REPLICATION_FACTOR when it exceeds the live brokers; TOPIC_ALREADY_EXISTS; the
    ///   store's error (FENCED_LEADER_EPOCH when this broker was deposed meanwhile).
    public func createTopic(
        name: String, partitions: Int32, replicationFactor: Int32, configs: [String: String]
    ) async throws(SluiceError) -> Int64 {
        precondition(partitions >= 1, "the caller validates the partition count")
        let fence = try requireOffice()
        let snapshot: ClusterSnapshot
        do { snapshot = try await store.snapshot() } catch { throw SluiceError(error.errorCode, error.description) }
        let brokerIds = snapshot.brokers.map(\.nodeId).sorted()
        guard replicationFactor >= 1, Int(replicationFactor) <= brokerIds.count else {
            throw SluiceError(
                .invalidReplicationFactor,
                "replication factor \(replicationFactor) is larger than the \(brokerIds.count) available broker(s)")
        }
        let assignment = ReplicaAssignment.assign(
            brokerIds: brokerIds, partitions: partitions, replicationFactor: Int(replicationFactor),
            startIndex: draw(brokerIds.count), replicaShift: draw(brokerIds.count))
        let states = assignment.enumerated().map { partition, replicas in
            PartitionState(
                partition: Int32(partition), replicas: replicas, leader: replicas[0], leaderEpoch: 0, isr: replicas,
                controllerEpoch: fence.epoch)
        }
        do {
            return try await store.createTopic(TopicState(name: name, partitions: states, configs: configs), fence: fence)
        } catch {
            throw SluiceError(error.errorCode, error.description)
        }
    }

    /// Deletes `name`; returns the revision of the deletion. UNKNOWN_TOPIC_OR_PARTITION when absent.
    public func deleteTopic(named name: String) async throws(SluiceError) -> Int64 {
        let fence = try requireOffice()
        do { return try await store.deleteTopic(named: name, fence: fence) } catch {
            throw SluiceError(error.errorCode, error.description)
        }
    }

    private func requireOffice() throws(SluiceError) -> ControllerFence {
        guard let held = office else {
            throw SluiceError(.notController, "broker \(session.brokerId) is not the controller")
        }
        return ControllerFence(epoch: held.epoch)
    }

    private func draw(_ upperBound: Int) -> Int {
        let value = random(upperBound)
        precondition((0..<upperBound).contains(value), "random index \(value) outside 0..<\(upperBound)")
        return value
    }
}
