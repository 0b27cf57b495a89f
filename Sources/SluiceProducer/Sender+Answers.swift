import SluiceClient
import SluiceWire

extension Sender {
    /// A produce request (acks 1/all) was answered or failed: each batch gets its partition's answer.
    func handleAnswer(
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
    func handleWritten(requestId: UInt64, result: Result<Void, SluiceError>, state: inout SenderState) {
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
    func complete(_ batch: consuming ProducerBatch, answer: PartitionAnswer, nowNanos: Int64, state: inout SenderState)
    {
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
