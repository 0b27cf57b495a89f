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
///
/// This one file holds the loop's state (`SenderState`, touched only by the loop's task) and everything that
/// changes it: events, requests, answers, deliveries, side jobs and shutdown. Handling a Produce answer reads
/// top to bottom here (`handleAnswer` → `complete` → `deliver`), with the accumulator's bookkeeping in
/// `RecordAccumulator.swift` and the pure rule in `DeliveryDecision`.
final class Sender: Sendable {
    let settings: SenderSettings
    let accumulator: RecordAccumulator
    let client: SluiceClient
    /// Event loops of the produce connections (owned: shut down when the loop ends).
    let eventLoopGroup: any EventLoopGroup
    let wakeup: SenderWakeup
    private let inbox: SenderInbox
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
    private func runOnce(_ state: inout SenderState, jobs: inout DiscardingTaskGroup) -> (
        progressed: Bool, delayMs: Int64?
    ) {
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
    private func sleepDuration(delayMs: Int64?, state: SenderState) -> Duration? {
        var nanos = delayMs.map { max(0, $0) * 1_000_000 }
        if let wakeAt = state.wakeAtNanos {
            nanos = min(nanos ?? .max, max(0, wakeAt - clock.monotonicNanos()))
        }
        // Sleep at least 1 ms past a ms-rounded deadline, so the batch is due when the loop looks again.
        return nanos.map { .nanoseconds($0 == 0 ? 0 : $0 + 500_000) }
    }
}

// MARK: - Events

extension Sender {
    /// Applies every event posted since the last pass; returns whether there were any.
    private func processEvents(_ state: inout SenderState) -> Bool {
        let events = inbox.takeAll()
        for event in events {
            switch event {
            case .answered(let requestId, let result, let atNanos):
                handleAnswer(requestId: requestId, result: result, atNanos: atNanos, state: &state)
            case .written(let requestId, let result, _):
                handleWritten(requestId: requestId, result: result, state: &state)
            case .connected(let node, .success(let connection)):
                state.connections[node] = .ready(connection)
                state.lastConnectError[node] = nil
                if let failures = state.connectFailures.removeValue(forKey: node) {
                    logger.info(
                        "connected to broker \(node) after \(failures) failed attempt(s)",
                        metadata: ["sluice.broker": "\(node)"])
                }
            case .connected(let node, .failure(let error)):
                let retryAt = clock.monotonicNanos() + settings.retryBackoffMs * 1_000_000
                state.connections[node] = .backingOff(untilNanos: retryAt)
                state.isMetadataStale = true
                let failures = state.connectFailures[node, default: 0] + 1
                state.connectFailures[node] = failures
                state.lastConnectError[node] = DeliveryDecision.lastError(error.code, error.message)
                if failures == 1 {
                    logger.warning(
                        """
                        cannot connect to broker \(node): \(error.message) (retrying every retry.backoff.ms; \
                        further failures are logged at debug level until it connects)
                        """,
                        metadata: ["sluice.broker": "\(node)"])
                } else {
                    logger.debug(
                        "cannot connect to broker \(node) (attempt \(failures)): \(error.message)",
                        metadata: ["sluice.broker": "\(node)"])
                }
            case .metadataRefreshed(let succeeded):
                state.isMetadataRefreshRunning = false
                if succeeded {
                    state.isMetadataStale = false
                    state.lastMetadataSuccessNanos = clock.monotonicNanos()
                }
            case .identity(let answer):
                applyIdentity(answer, state: &state)
            }
        }
        return !events.isEmpty
    }

    /// InitProducerId's answer: stamp batches from now on, fall back, or ask again after the backoff.
    private func applyIdentity(_ answer: SenderEvent.IdentityAnswer, state: inout SenderState) {
        switch answer {
        case .assigned(let identity):
            state.identity = .assigned(identity)
            if accumulator.resetSequences(for: identity) {
                logger.info(
                    "new idempotent producer id \(identity.producerId) epoch \(identity.producerEpoch); sequences restart at 0"
                )
            } else {
                logger.debug("idempotent producer id \(identity.producerId) epoch \(identity.producerEpoch)")
            }
        case .unsupported(let message):
            state.identity = .disabled
            let warning =
                "the broker does not support InitProducerId (UNSUPPORTED_VERSION: \(message)); "
                + "continuing WITHOUT idempotence: retries may write duplicates"
            logger.warning("\(warning)")
        case .failed(let message):
            let retryAt = clock.monotonicNanos() + settings.retryBackoffMs * 1_000_000
            state.identity = .needed(retryAfterNanos: retryAt)
            logger.warning("InitProducerId failed, retrying: \(message)")
        }
    }

    /// The open connection to `node`, or nil after starting (or while waiting for) a connect.
    private func usableConnection(
        _ node: Int32, _ state: inout SenderState, jobs: inout DiscardingTaskGroup, nowNanos: Int64
    ) -> BrokerConnection? {
        switch state.connections[node] {
        case .ready(let connection) where connection.isActive:
            return connection
        case .connecting:
            return nil
        case .backingOff(let untilNanos) where nowNanos < untilNanos:
            state.wake(atNanos: untilNanos)
            return nil
        case .ready, .backingOff, nil:
            guard let broker = accumulator.broker(node) else {
                state.isMetadataStale = true
                return nil
            }
            state.connections[node] = .connecting
            startConnect(node: node, broker: broker, jobs: &jobs)
            return nil
        }
    }
}

// MARK: - Requests

extension Sender {
    /// Writes one Produce request with `batches` (one per partition) to `node`, pipelined after the requests
    /// already in flight there; its answer (or, for acks=0, its write) comes back through the inbox.
    /// Observes linger wait and batches-sent metrics for batches leaving for the first time.
    private func sendProduce(
        _ batches: [ProducerBatch], node: Int32, connection: BrokerConnection, state: inout SenderState, nowNanos: Int64
    ) {
        precondition(!batches.isEmpty, "a produce request carries at least one batch")
        var topicOrder: [String] = []
        var partitions: [String: [ProducePartitionData]] = [:]
        for batch in batches {
            assert(batch.isFinished, "only finished batches are sent")
            if batch.attempts == 0, let reason = batch.sendReason {
                metrics.recordLingerWait(.nanoseconds(nowNanos - batch.openedNanos))
                metrics.recordBatchSent(reason: reason, sizeBytes: batch.sizeBytes, records: Int(batch.recordCount))
            }
            let topic = batch.topicPartition.topic
            if partitions[topic] == nil { topicOrder.append(topic) }
            partitions[topic, default: []].append(
                ProducePartitionData(partition: batch.topicPartition.partition, records: batch.buffer))
        }
        let request = ProduceRequest(
            acks: settings.acks, timeoutMs: Int32(clamping: settings.requestTimeoutMs),
            topics: topicOrder.map { ProduceTopicData(name: $0, partitions: partitions[$0] ?? []) })
        state.nextRequestId += 1
        let requestId = state.nextRequestId
        let brokerMetrics = brokerMetrics(node, &state)
        state.inFlight[requestId] = InFlightRequest(
            id: requestId, node: node, batches: batches, sentNanos: nowNanos, brokerMetrics: brokerMetrics)
        state.inFlightPerNode[node, default: 0] += 1
        brokerMetrics.requestSent()
        write(request, requestId: requestId, on: connection)
    }

    /// Hands the request to the connection; the event loop posts the outcome.
    private func write(_ request: ProduceRequest, requestId: UInt64, on connection: BrokerConnection) {
        let inbox = inbox
        let clock = clock
        let address = connection.address
        if settings.acks == 0 {
            connection.writeNoResponse(.produce(request)).whenComplete { result in
                let outcome = result.mapError { Self.networkError($0, address: address) }
                inbox.post(.written(requestId: requestId, outcome, atNanos: clock.monotonicNanos()))
            }
        } else {
            connection.write(.produce(request)).whenComplete { result in
                let outcome = result.mapError { Self.networkError($0, address: address) }
                inbox.post(.answered(requestId: requestId, outcome, atNanos: clock.monotonicNanos()))
            }
        }
    }

    /// The request metrics of `node`, kept in the loop's state after the first lookup.
    private func brokerMetrics(_ node: Int32, _ state: inout SenderState) -> ProducerBrokerMetrics {
        if let existing = state.brokerMetrics[node] { return existing }
        let created = metrics.broker(node)
        state.brokerMetrics[node] = created
        return created
    }

    /// The per-topic counters of `topic`, kept in the loop's state after the first lookup.
    private func topicCounters(_ topic: String, _ state: inout SenderState) -> ProducerTopicCounters {
        if let existing = state.topicCounters[topic] { return existing }
        let created = metrics.topic(topic)
        state.topicCounters[topic] = created
        return created
    }

    /// A connection-level failure as the client's NETWORK_EXCEPTION / REQUEST_TIMED_OUT `SluiceError`.
    private static func networkError(_ error: any Error, address: BrokerAddress) -> SluiceError {
        if let sluiceError = error as? SluiceError { return sluiceError }
        return SluiceError(.networkException, "request to \(address) failed: \(error)")
    }
}

// MARK: - Answers

extension Sender {
    /// A produce request (acks 1/all) was answered or failed: each batch gets its partition's answer.
    private func handleAnswer(
        requestId: UInt64, result: Result<Response, SluiceError>, atNanos: Int64, state: inout SenderState
    ) {
        guard var request = takeInFlight(requestId, state: &state) else { return }
        var batches = request.batches
        request.batches.removeAll()
        let answers: [PartitionAnswer]
        switch result {
        case .success(let response):
            request.brokerMetrics.requestCompleted(latency: .nanoseconds(atNanos - request.sentNanos))
            answers = PartitionAnswer.answers(in: response, for: batches)
        case .failure(let error):
            request.brokerMetrics.requestAbandoned()
            connectionFailed(node: request.node, state: &state)
            answers = Array(
                repeating: PartitionAnswer(errorCode: error.code, message: error.message, baseOffset: -1),
                count: batches.count)
        }
        let nowNanos = clock.monotonicNanos()
        // popLast moves each batch out, so its buffer is held once when it goes back to the pool. One batch
        // per partition per request: the order between them does not matter.
        while let batch = batches.popLast() {
            complete(batch, answer: answers[batches.count], nowNanos: nowNanos, state: &state)
        }
    }

    /// An acks=0 request was written (its records are done, offset -1) or could not be (retriable).
    private func handleWritten(requestId: UInt64, result: Result<Void, SluiceError>, state: inout SenderState) {
        guard var request = takeInFlight(requestId, state: &state) else { return }
        var batches = request.batches
        request.batches.removeAll()
        request.brokerMetrics.requestAbandoned()
        var answer = PartitionAnswer(errorCode: .none, message: "", baseOffset: -1)
        if case .failure(let error) = result {
            connectionFailed(node: request.node, state: &state)
            answer = PartitionAnswer(errorCode: error.code, message: error.message, baseOffset: -1)
        }
        let nowNanos = clock.monotonicNanos()
        while let batch = batches.popLast() { complete(batch, answer: answer, nowNanos: nowNanos, state: &state) }
    }

    /// Applies one partition's answer: acknowledge, re-enqueue (counting the retry) or fail.
    private func complete(
        _ batch: consuming ProducerBatch, answer: PartitionAnswer, nowNanos: Int64, state: inout SenderState
    ) {
        if PartitionAnswer.meansStaleMetadata(answer.errorCode) { state.isMetadataStale = true }
        let topicPartition = batch.topicPartition
        let recordCount = Int(batch.recordCount)
        let (decision, finished) = accumulator.resolve(
            batch, errorCode: answer.errorCode, message: answer.message, nowNanos: nowNanos, retries: settings.retries)
        switch decision {
        case .acknowledge:
            deliver(finished!, outcome: .success(answer.baseOffset), state: &state)
        case .retry:
            topicCounters(topicPartition.topic, &state).recordRetried(records: recordCount)
            logger.debug(
                "retrying batch after \(answer.errorCode.name): \(answer.message)",
                metadata: [
                    "sluice.topic": "\(topicPartition.topic)", "sluice.partition": "\(topicPartition.partition)",
                ])
        case .split:
            logger.info(
                "batch of \(recordCount) records refused as MESSAGE_TOO_LARGE: split in two and sent again",
                metadata: [
                    "sluice.topic": "\(topicPartition.topic)", "sluice.partition": "\(topicPartition.partition)",
                ])
            accumulator.releaseSplit(finished!)
        case .fail(let error, _, _):
            deliver(finished!, outcome: .failure(error), state: &state)
        }
    }

    /// Removes a request from the in-flight table (nil when `shutdown` already failed it).
    private func takeInFlight(_ requestId: UInt64, state: inout SenderState) -> InFlightRequest? {
        guard let request = state.inFlight.removeValue(forKey: requestId) else { return nil }
        state.inFlightPerNode[request.node, default: 1] -= 1
        assert(state.inFlightPerNode[request.node]! >= 0, "negative in-flight count for node \(request.node)")
        return request
    }

    /// The node's connection failed (closed, timed out): forget it unless already replaced; leaders may have moved.
    private func connectionFailed(node: Int32, state: inout SenderState) {
        state.isMetadataStale = true
        if case .ready(let connection) = state.connections[node], !connection.isActive {
            state.connections[node] = nil
        }
    }
}

// MARK: - Delivery and shutdown

extension Sender {
    /// A batch's final fate: per-record completions and interceptors (offset = base offset + index; -1 for
    /// acks=0 or unknown), the topic's sent/error counters and per-record delivery latency, then `retire`
    /// (which wakes `flush()` after the callbacks ran and returns the buffer to the pool).
    private func deliver(
        _ batch: consuming ProducerBatch, outcome: Result<Int64, ProducerError>, state: inout SenderState
    ) {
        let counters = topicCounters(batch.topicPartition.topic, &state)
        let topic = batch.topicPartition.topic
        let partition = batch.topicPartition.partition
        switch outcome {
        case .success(let baseOffset):
            counters.recordSent(records: Int(batch.recordCount))
            let nowNanos = clock.monotonicNanos()
            for offsetMicros in batch.sendOffsetsMicros {
                metrics.recordDeliveryLatency(.nanoseconds(nowNanos - batch.openedNanos - Int64(offsetMicros) * 1_000))
            }
            for completion in batch.completions {
                let metadata = RecordMetadata(
                    topic: topic, partition: partition,
                    offset: baseOffset < 0 ? -1 : baseOffset + Int64(completion.offsetDelta),
                    timestamp: completion.timestamp, serializedKeySize: Int(completion.serializedKeySize),
                    serializedValueSize: Int(completion.serializedValueSize))
                completion.callback?(.success(metadata))
                acknowledgementHook?(.success(metadata))
            }
        case .failure(let error):
            counters.recordFailed(records: Int(batch.recordCount), error: error.metricLabel)
            // Debug: every record's caller gets the error through its completion (and the error counter counts
            // it); a library that also logged it would print each failure twice (Kafka's sender does not log it).
            logger.debug(
                "\(batch.recordCount) records failed for good: \(error)",
                metadata: ["sluice.topic": "\(topic)", "sluice.partition": "\(partition)"])
            for completion in batch.completions {
                completion.callback?(.failure(error))
                acknowledgementHook?(.failure(error))
            }
        }
        accumulator.retire(batch)
    }

    /// Fails batches past `delivery.timeout.ms` in the deques, and those of broken idempotent partitions.
    /// Returns whether there were any.
    private func failExpiredBatches(nowNanos: Int64, state: inout SenderState) -> Bool {
        var expired = Array(accumulator.expireBatches(nowNanos: nowNanos).reversed())
        let found = !expired.isEmpty
        // popLast (in expiry order) moves each batch out, so its buffer returns to the pool held once.
        while let (batch, error) = expired.popLast() {
            deliver(batch, outcome: .failure(withConnectError(error, batch.topicPartition, state)), state: &state)
        }
        return found
    }

    /// A delivery timeout of a batch that was never answered, with its leader's last connect failure as the
    /// last error (`…; last error NETWORK_EXCEPTION: cannot connect to 127.0.0.1:9092: connection refused`).
    private func withConnectError(_ error: ProducerError, _ topicPartition: TopicPartition, _ state: SenderState)
        -> ProducerError
    {
        guard case .deliveryTimeout(let ms, nil) = error else { return error }
        let leader = accumulator.leader(of: topicPartition)
        // Leader unknown (its metadata could not be fetched): a single unreachable broker is the cause.
        let lastError =
            leader.flatMap { state.lastConnectError[$0] }
            ?? (state.lastConnectError.count == 1 ? state.lastConnectError.values.first : nil)
        return .deliveryTimeout(ms: ms, lastError: lastError)
    }

    /// The end of the loop: apply answers that already arrived, fail what is still in flight or queued with
    /// `.closed`, then close the connections, the client and the event loops.
    private func shutdown(_ state: inout SenderState) async {
        _ = processEvents(&state)
        let abandoned = state.inFlight.values.sorted { $0.id < $1.id }
        state.inFlight.removeAll()
        state.inFlightPerNode.removeAll()
        for request in abandoned {
            request.brokerMetrics.requestAbandoned()
            for batch in request.batches {
                deliver(accumulator.abandon(batch, error: .closed), outcome: .failure(.closed), state: &state)
            }
        }
        // A run of `send(contentsOf:)` gives its leased batches back from synchronous code, and takes no new
        // lease once the producer is closed: wait for those out now, so they are failed here too.
        while accumulator.hasOutstandingLeases { await Task.yield() }
        for batch in accumulator.takeAllQueued() { deliver(batch, outcome: .failure(.closed), state: &state) }
        for case .ready(let connection) in state.connections.values { await connection.close() }
        state.connections.removeAll()
        do {
            try await client.close()
        } catch {
            logger.debug("closing the producer's metadata client: \(error)")
        }
        do {
            try await eventLoopGroup.shutdownGracefully()
        } catch {
            logger.debug("shutting down the producer's event loops: \(error)")
        }
    }
}

// MARK: - Side jobs

extension Sender {
    /// Starts a connect to `broker` as a child task; its outcome arrives as `.connected`.
    private func startConnect(node: Int32, broker: BrokerInfo, jobs: inout DiscardingTaskGroup) {
        let address = BrokerAddress(broker)
        let requestTimeout = Duration.milliseconds(settings.requestTimeoutMs)
        jobs.addTask { [inbox, eventLoopGroup, settings] in
            let result: Result<BrokerConnection, SluiceError>
            do {
                let connection = try await BrokerConnection.connect(
                    to: address, clientId: settings.clientId, group: eventLoopGroup,
                    connectTimeout: min(.seconds(10), requestTimeout), requestTimeout: requestTimeout)
                result = .success(connection)
            } catch {
                result = .failure(SluiceError(.networkException, "\(error)"))
            }
            inbox.post(.connected(node: node, result))
        }
    }

    /// Starts a Metadata refresh for every known topic when one is due: a partition has no leader, an
    /// answer said leaders moved, or `metadata.max.age.ms` passed. One at a time, `retry.backoff.ms` apart.
    private func refreshMetadataIfDue(
        _ state: inout SenderState, jobs: inout DiscardingTaskGroup, unknownLeaderTopics: Set<String>, nowNanos: Int64
    ) {
        let isOld = nowNanos - state.lastMetadataSuccessNanos >= settings.metadataMaxAgeMs * 1_000_000
        guard state.isMetadataStale || !unknownLeaderTopics.isEmpty || isOld, !state.isMetadataRefreshRunning else {
            return
        }
        let earliestNanos = state.lastMetadataAttemptNanos + settings.retryBackoffMs * 1_000_000
        guard nowNanos >= earliestNanos else {
            state.wake(atNanos: earliestNanos)
            return
        }
        let topics = accumulator.knownTopics
        guard !topics.isEmpty else { return }
        state.isMetadataRefreshRunning = true
        state.lastMetadataAttemptNanos = nowNanos
        jobs.addTask { [client, accumulator, inbox, logger] in
            do {
                let response = try await client.metadata(topics: topics)
                accumulator.updateMetadata(response)
                inbox.post(.metadataRefreshed(succeeded: true))
            } catch {
                logger.debug("metadata refresh failed: \(error)")
                inbox.post(.metadataRefreshed(succeeded: false))
            }
        }
    }

    /// Asks for a producer id when idempotence needs one, on a connection to any known broker.
    private func ensureIdentity(_ state: inout SenderState, jobs: inout DiscardingTaskGroup, nowNanos: Int64) {
        guard case .needed(let retryAfterNanos) = state.identity else { return }
        guard nowNanos >= retryAfterNanos else {
            state.wake(atNanos: retryAfterNanos)
            return
        }
        // Metadata names the brokers; the first send fetches it, so until then there is nothing to stamp.
        guard let broker = accumulator.anyBroker,
            let connection = usableConnection(broker.nodeId, &state, jobs: &jobs, nowNanos: nowNanos)
        else { return }
        state.identity = .requesting
        jobs.addTask { [inbox] in
            inbox.post(.identity(await Self.initProducerId(on: connection)))
        }
    }

    /// One InitProducerId round trip. UNSUPPORTED_VERSION (frame or body) means the broker lacks it.
    private static func initProducerId(on connection: BrokerConnection) async -> SenderEvent.IdentityAnswer {
        do {
            let response = try await connection.send(.initProducerId(InitProducerIdRequest()))
            guard case .initProducerId(let answer) = response.body else {
                return .failed("the broker answered InitProducerId with another response type")
            }
            switch answer.errorCode {
            case .none:
                return .assigned(ProducerIdentity(producerId: answer.producerId, producerEpoch: answer.producerEpoch))
            case .unsupportedVersion:
                return .unsupported("InitProducerId")
            default:
                return .failed(answer.errorCode.name)
            }
        } catch let error as SluiceError where error.code == .unsupportedVersion {
            return .unsupported(error.message)
        } catch {
            return .failed("\(error)")
        }
    }
}

// MARK: - The loop's types

/// The sender's settings, from `ProducerConfig` (each field names its Kafka key).
struct SenderSettings: Sendable, Hashable {
    /// acks: 0, 1 or -1 (all).
    var acks: Int16
    /// request.timeout.ms: the broker's ISR wait (the request's `timeoutMs`) and the client's wait on top.
    var requestTimeoutMs: Int64
    /// retries: re-enqueues allowed per batch (within delivery.timeout.ms).
    var retries: Int
    /// retry.backoff.ms: also the pause between failed metadata refreshes and reconnects.
    var retryBackoffMs: Int64
    /// max.in.flight.requests.per.connection.
    var maxInFlightPerConnection: Int
    /// enable.idempotence: ask for a producer id; without one (UNSUPPORTED_VERSION) fall back with a warning.
    var idempotence: Bool
    /// client.id, sent with every request.
    var clientId: String
    /// metadata.max.age.ms: refresh metadata at least this often while sending.
    var metadataMaxAgeMs: Int64

    init(_ config: ProducerConfig) {
        self.acks = config.acks
        self.requestTimeoutMs = config.requestTimeoutMs
        self.retries = config.retries
        self.retryBackoffMs = config.retryBackoffMs
        self.maxInFlightPerConnection = config.maxInFlightRequestsPerConnection
        self.idempotence = config.enableIdempotence
        self.clientId = config.clientId
        self.metadataMaxAgeMs = config.metadataMaxAgeMs
    }
}

/// The sender loop's own state: touched only by its single task, so it needs no lock.
private struct SenderState {
    /// Bound: one per broker node the producer sends to.
    var connections: [Int32: NodeConnection] = [:]
    var brokerMetrics: [Int32: ProducerBrokerMetrics] = [:]
    var topicCounters: [String: ProducerTopicCounters] = [:]
    /// Bound: nodes × max.in.flight.requests.per.connection.
    var inFlight: [UInt64: InFlightRequest] = [:]
    var inFlightPerNode: [Int32: Int] = [:]
    var nextRequestId: UInt64 = 0
    var identity: ProducerIdentityState
    var isMetadataRefreshRunning = false
    /// A broker answer said leaders moved; refresh at the next chance.
    var isMetadataStale = false
    var lastMetadataAttemptNanos: Int64 = .min / 2
    var lastMetadataSuccessNanos: Int64
    /// Connect failures in a row per node since its last successful connect: the first is logged as a
    /// warning, the rest at debug level, so a broker that is down costs one warning, not ten a second.
    var connectFailures: [Int32: Int] = [:]
    /// The last connect failure per node (`NETWORK_EXCEPTION: cannot connect to …`) since its last successful
    /// connect: the last error of a batch that expires unsent because its leader could not be reached.
    var lastConnectError: [Int32: String] = [:]
    /// Earliest monotonic time some backoff ends (reconnect, metadata, InitProducerId): bounds the sleep.
    var wakeAtNanos: Int64?

    init(identity: ProducerIdentityState, nowNanos: Int64) {
        self.identity = identity
        self.lastMetadataSuccessNanos = nowNanos
    }

    /// Lowers `wakeAtNanos` to `nanos` when that is earlier.
    mutating func wake(atNanos nanos: Int64) {
        wakeAtNanos = min(wakeAtNanos ?? nanos, nanos)
    }
}

/// A produce request written to a broker and not yet answered: its batches wait here, owned by the sender.
private struct InFlightRequest: Sendable {
    let id: UInt64
    let node: Int32
    /// Moved out (emptied) when the answer is applied, so each batch's buffer is uniquely held on its way
    /// back to the pool.
    var batches: [ProducerBatch]
    /// Monotonic time of the write (request latency counts from here).
    let sentNanos: Int64
    let brokerMetrics: ProducerBrokerMetrics
}

/// The sender's connection to one broker node.
private enum NodeConnection: Sendable {
    /// A connect job runs.
    case connecting
    /// Open; requests are pipelined on it.
    case ready(BrokerConnection)
    /// The last connect failed; try again after this monotonic time (retry.backoff.ms later).
    case backingOff(untilNanos: Int64)
}

/// Something that happened off the sender's loop — on an event loop (a broker's answer, a write) or in one of
/// its side jobs (connect, metadata, InitProducerId) — posted to its `SenderInbox` for the loop to apply.
private enum SenderEvent: Sendable {
    /// A produce request (acks 1/all) was answered, or failed (connection lost, request.timeout.ms).
    case answered(requestId: UInt64, Result<Response, SluiceError>, atNanos: Int64)
    /// An acks=0 produce request was written to the socket, or failed to be.
    case written(requestId: UInt64, Result<Void, SluiceError>, atNanos: Int64)
    /// A connection to broker `node` opened, or could not be opened.
    case connected(node: Int32, Result<BrokerConnection, SluiceError>)
    /// A metadata refresh finished; the accumulator already has the answer when it succeeded.
    case metadataRefreshed(succeeded: Bool)
    /// InitProducerId answered.
    case identity(IdentityAnswer)

    /// What InitProducerId came to.
    enum IdentityAnswer: Sendable {
        case assigned(ProducerIdentity)
        /// The broker does not implement it (UNSUPPORTED_VERSION): continue without idempotence.
        case unsupported(String)
        /// Any other failure: ask again after retry.backoff.ms.
        case failed(String)
    }
}

/// Events for the sender's loop, posted from any thread; each post wakes the loop.
/// Bound: in-flight requests + side jobs (each posts once).
private final class SenderInbox: Sendable {
    private let events = Mutex<[SenderEvent]>([])
    private let wakeup: SenderWakeup

    init(wakeup: SenderWakeup) {
        self.wakeup = wakeup
    }

    /// Queues `event` and wakes the loop.
    func post(_ event: SenderEvent) {
        events.withLock { $0.append(event) }
        wakeup.signal()
    }

    /// Everything posted so far, oldest first.
    func takeAll() -> [SenderEvent] {
        events.withLock { events in
            guard !events.isEmpty else { return [] }
            defer { events.removeAll(keepingCapacity: true) }
            return events
        }
    }
}

/// One partition's part of a produce answer, as the sender applies it to that partition's batch.
private struct PartitionAnswer: Sendable, Hashable {
    var errorCode: ErrorCode
    var message: String
    /// The offset of the batch's first record; -1 unknown (acks=0, errors).
    var baseOffset: Int64

    /// The answers for `batches` (in their order) in a produce `response`: a frame-level error applies to
    /// all of them; a partition missing from the body is UNKNOWN_SERVER_ERROR.
    static func answers(in response: Response, for batches: [ProducerBatch]) -> [PartitionAnswer] {
        guard response.errorCode == .none else {
            let answer = PartitionAnswer(errorCode: response.errorCode, message: response.errorMessage, baseOffset: -1)
            return Array(repeating: answer, count: batches.count)
        }
        guard case .produce(let produce) = response.body else {
            let answer = PartitionAnswer(
                errorCode: .unknownServerError, message: "the broker answered Produce with another response type",
                baseOffset: -1)
            return Array(repeating: answer, count: batches.count)
        }
        return batches.map { batch in
            let topic = produce.topics.first { $0.name == batch.topicPartition.topic }
            guard let partition = topic?.partitions.first(where: { $0.partition == batch.topicPartition.partition })
            else {
                return PartitionAnswer(
                    errorCode: .unknownServerError,
                    message: "the Produce response has no result for \(batch.topicPartition)",
                    baseOffset: -1)
            }
            return PartitionAnswer(
                errorCode: partition.errorCode, message: partition.errorMessage, baseOffset: partition.baseOffset)
        }
    }

    /// Whether the code means the leader may have moved (refresh metadata before retrying).
    static func meansStaleMetadata(_ code: ErrorCode) -> Bool {
        switch code {
        case .notLeaderOrFollower, .unknownTopicOrPartition, .leaderNotAvailable, .fencedLeaderEpoch,
            .unknownLeaderEpoch, .networkException, .requestTimedOut:
            true
        default:
            false
        }
    }
}
