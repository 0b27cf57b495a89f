import NIOCore
import SluiceClient
import SluiceObservability
import SluiceWire

extension Sender {
    /// Writes one Produce request with `batches` (one per partition) to `node`, pipelined after the requests
    /// already in flight there; its answer (or, for acks=0, its write) comes back through the inbox.
    /// Observes linger wait and batches-sent metrics for batches leaving for the first time.
    func sendProduce(
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
    func brokerMetrics(_ node: Int32, _ state: inout SenderState) -> ProducerBrokerMetrics {
        if let existing = state.brokerMetrics[node] { return existing }
        let created = metrics.broker(node)
        state.brokerMetrics[node] = created
        return created
    }

    /// The per-topic counters of `topic`, kept in the loop's state after the first lookup.
    func topicCounters(_ topic: String, _ state: inout SenderState) -> ProducerTopicCounters {
        if let existing = state.topicCounters[topic] { return existing }
        let created = metrics.topic(topic)
        state.topicCounters[topic] = created
        return created
    }

    /// A connection-level failure as the client's NETWORK_EXCEPTION / REQUEST_TIMED_OUT `SluiceError`.
    static func networkError(_ error: any Error, address: BrokerAddress) -> SluiceError {
        if let sluiceError = error as? SluiceError { return sluiceError }
        return SluiceError(.networkException, "request to \(address) failed: \(error)")
    }
}
