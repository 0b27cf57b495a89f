import SluiceClient
import SluiceWire

extension Sender {
    /// Applies every event posted since the last pass; returns whether there were any.
    func processEvents(_ state: inout SenderState) -> Bool {
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
    func applyIdentity(_ answer: SenderEvent.IdentityAnswer, state: inout SenderState) {
        switch answer {
        case .assigned(let identity):
            state.identity = .assigned(identity)
            if accumulator.resetSequences(for: identity) {
                logger.info(
                    "new idempotent producer id \(identity.producerId) epoch \(identity.producerEpoch); sequences restart at 0")
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
    func usableConnection(
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
