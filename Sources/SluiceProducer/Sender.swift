import Logging
import NIOCore
import SluiceClient
import SluiceObservability
import SluiceWire
import Synchronization

/// The producer's I/O loop (Kafka's `Sender`): one task per producer that drains ready batches to their
/// leaders and turns answers into completions.
///
/// `runOnce`: apply what happened (answers, connects, metadata, InitProducerId) → expire batches past
/// `delivery.timeout.ms` → `ready` → per ready node, `drain` one request's worth (`max.request.size`) and
/// write it, pipelined on the node's connection, at most `max.in.flight.requests.per.connection` at a time.
/// Then it sleeps on `SenderWakeup` until the earliest linger/backoff deadline or a wake-up — never a
/// polling loop. Slow work (connect, Metadata, InitProducerId) runs as child tasks of the loop's task
/// group and reports through `SenderInbox`; the loop itself never awaits the network.
///
/// Completion callbacks and interceptors' `onAcknowledgement` run on this task, as on Kafka's I/O thread:
/// keep them short.
final class Sender: Sendable {
    let settings: SenderSettings
    let accumulator: RecordAccumulator
    let client: SluiceClient
    /// Event loops of the produce connections (owned: shut down when the loop ends).
    let eventLoopGroup: any EventLoopGroup
    let wakeup: SenderWakeup
    let inbox: SenderInbox
    let metrics: ProducerMetrics
    let clock: any ProducerClock
    let logger: Logger
    /// Interceptors' `onAcknowledgement`, once per record; nil without interceptors.
    let acknowledgementHook: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    private let stopRequested = Atomic<Bool>(false)

    init(
        settings: SenderSettings, accumulator: RecordAccumulator, client: SluiceClient,
        eventLoopGroup: any EventLoopGroup,
        metrics: ProducerMetrics, clock: any ProducerClock, logger: Logger,
        acknowledgementHook: (@Sendable (Result<RecordMetadata, ProducerError>) -> Void)?
    ) {
        self.settings = settings
        self.accumulator = accumulator
        self.client = client
        self.eventLoopGroup = eventLoopGroup
        self.wakeup = accumulator.wakeup
        self.inbox = SenderInbox(wakeup: accumulator.wakeup)
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        self.acknowledgementHook = acknowledgementHook
    }

    /// Asks the loop to end: it fails what is still in flight or queued with `.closed`, closes its
    /// connections, the client and the event loops, then returns.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        wakeup.signal()
    }

    private var isStopping: Bool { stopRequested.load(ordering: .acquiring) || Task.isCancelled }

    /// The loop. Returns after `stop()` or cancellation, once everything is failed and closed.
    func run() async {
        let identity: ProducerIdentityState = settings.idempotence ? .needed(retryAfterNanos: 0) : .disabled
        var state = SenderState(identity: identity, nowNanos: clock.monotonicNanos())
        await withDiscardingTaskGroup { jobs in
            // Bounded by stop(): each pass either made progress or sleeps until a deadline or a wake-up.
            while !isStopping {
                state.wakeAtNanos = nil
                let (progressed, delayMs) = runOnce(&state, jobs: &jobs)
                if progressed {
                    await Task.yield()
                    continue
                }
                await wakeup.wait(timeout: sleepDuration(delayMs: delayMs, state: state))
            }
            jobs.cancelAll()
        }
        await shutdown(&state)
    }

    /// One pass; returns whether it did anything (then the loop goes again at once) and the readiness delay.
    func runOnce(_ state: inout SenderState, jobs: inout DiscardingTaskGroup) -> (progressed: Bool, delayMs: Int64?) {
        var progressed = processEvents(&state)
        let nowNanos = clock.monotonicNanos()
        progressed = failExpiredBatches(nowNanos: nowNanos, state: &state) || progressed
        ensureIdentity(&state, jobs: &jobs, nowNanos: nowNanos)
        let check = accumulator.ready(nowMs: nowNanos / 1_000_000, sequencing: state.identity.identity != nil)
        refreshMetadataIfDue(&state, jobs: &jobs, unknownLeaderTopics: check.unknownLeaderTopics, nowNanos: nowNanos)
        if check.identityResetRequested {
            // Nothing more goes out under the broken sequences; once the last answer is in, ask for a new id.
            guard state.inFlight.isEmpty, let old = state.identity.identity else {
                return (progressed, check.nextCheckDelayMs)
            }
            // Info, as Kafka's "ProducerId set to …": the failure that broke the sequence already reached its
            // record's caller; this is how the producer recovers from it, not a second failure.
            logger.info(
                "idempotent sequence broken: replacing producer id \(old.producerId) and restarting sequences")
            state.identity = .needed(retryAfterNanos: 0)
            return (true, check.nextCheckDelayMs)
        }
        guard state.identity.allowsDraining else { return (progressed, check.nextCheckDelayMs) }
        for node in check.readyNodes.sorted() {
            guard (state.inFlightPerNode[node] ?? 0) < settings.maxInFlightPerConnection,
                let connection = usableConnection(node, &state, jobs: &jobs, nowNanos: nowNanos)
            else { continue }
            let batches = accumulator.drain(node: node, nowNanos: nowNanos, identity: state.identity.identity)
            guard !batches.isEmpty else { continue }
            sendProduce(batches, node: node, connection: connection, state: &state, nowNanos: nowNanos)
            progressed = true
        }
        return (progressed, check.nextCheckDelayMs)
    }

    /// How long to sleep: until the earliest readiness deadline or backoff end; nil (until woken) when none.
    func sleepDuration(delayMs: Int64?, state: SenderState) -> Duration? {
        var nanos = delayMs.map { max(0, $0) * 1_000_000 }
        if let wakeAt = state.wakeAtNanos {
            nanos = min(nanos ?? .max, max(0, wakeAt - clock.monotonicNanos()))
        }
        // Sleep at least 1 ms past a ms-rounded deadline, so the batch is due when the loop looks again.
        return nanos.map { .nanoseconds($0 == 0 ? 0 : $0 + 500_000) }
    }
}
