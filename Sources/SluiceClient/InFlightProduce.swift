import NIOCore
import SluiceWire
import Synchronization

/// A produce request already written to its leader's connection, whose answer is still to come.
///
/// Returned by `SluiceClient.startProduce`, so a caller can keep several batches in flight
/// (`max.in.flight.requests.per.connection`) and await them in order. Awaiting is optional for the
/// request to proceed, but the outcome is only reported through `acknowledgement()`.
public struct InFlightProduce: Sendable {
    enum Completion: Sendable {
        /// acks=0: completes with the time the request was written.
        case written(EventLoopFuture<ContinuousClock.Instant>)
        /// acks=1/all: completes with the response and the time it arrived.
        case answered(EventLoopFuture<(Response, ContinuousClock.Instant)>)
    }

    /// Where the batch goes.
    public let topicPartition: TopicPartition
    /// Records in the batch, as the caller declared them (for accounting; not checked).
    public let recordCount: Int
    /// When the request was handed to the connection.
    public let startedAt: ContinuousClock.Instant
    let completion: Completion
    let completed: CompletionFlag
    let address: BrokerAddress
    let client: SluiceClient

    /// Whether the answer (or the write, for acks=0, or a failure) has arrived, so `acknowledgement()`
    /// would not wait. Lets a sender reap finished requests without blocking.
    public var isCompleted: Bool { completed.isSet }

    /// Waits for the broker's answer. Throws `SluiceError` for a failed connection, a request timeout
    /// or a frame-level error; a partition-level error comes back in `response.errorCode`.
    public func acknowledgement() async throws -> ProduceAcknowledgement {
        switch completion {
        case .written(let future):
            let writtenAt = try await future.get()
            let response = ProducePartitionResponse(partition: topicPartition.partition)
            return ProduceAcknowledgement(response: response, latency: writtenAt - startedAt)
        case .answered(let future):
            let response: Response
            let answeredAt: ContinuousClock.Instant
            do {
                (response, answeredAt) = try await future.get()
            } catch {
                await client.invalidateMetadata(topic: topicPartition.topic)
                throw error
            }
            try BrokerConnection.checkFrame(response, apiName: "Produce", address: address)
            let partition = try Self.partitionResponse(in: response, for: topicPartition)
            if SluiceClient.meansStaleMetadata(partition.errorCode) {
                await client.invalidateMetadata(topic: topicPartition.topic)
            }
            return ProduceAcknowledgement(response: partition, latency: answeredAt - startedAt)
        }
    }

    /// The result for `topicPartition` in a Produce response.
    static func partitionResponse(in response: Response, for topicPartition: TopicPartition) throws(SluiceError)
        -> ProducePartitionResponse
    {
        guard case .produce(let produce) = response.body else {
            throw SluiceClient.unexpectedBody(response, expected: "Produce")
        }
        let partitions = produce.topics.first(where: { $0.name == topicPartition.topic })?.partitions ?? []
        guard let result = partitions.first(where: { $0.partition == topicPartition.partition }) else {
            throw SluiceError(.unknownServerError, "the Produce response has no result for \(topicPartition)")
        }
        return result
    }
}
