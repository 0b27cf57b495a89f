import SluiceClient
import SluiceWire

/// Produce requests in flight, oldest first, at most `limit` of them
/// (`max.in.flight.requests.per.connection`, 5 as in Kafka). Adding to a full window waits for the
/// oldest answer; every answer goes through `onAcknowledgement`, in send order.
///
/// A failed request (connection lost, timeout, or a partition error) throws a `CommandFailure`
/// with Kafka's wording: `Error producing to T-P: CODE_NAME: message`.
struct InFlightWindow {
    /// Bound: max.in.flight.requests.per.connection.
    let limit: Int
    private var requests: [InFlightProduce] = []

    init(limit: Int = 5) {
        precondition(limit > 0, "at least one request must be allowed in flight")
        self.limit = limit
    }

    var isEmpty: Bool { requests.isEmpty }
    var hasRoom: Bool { requests.count < limit }

    /// Adds a request, first waiting for the oldest while the window is full.
    mutating func add(
        _ request: InFlightProduce, onAcknowledgement: (InFlightProduce, ProduceAcknowledgement) throws -> Void
    ) async throws {
        while !hasRoom { try await completeOldest(onAcknowledgement) }
        requests.append(request)
        assert(requests.count <= limit, "window over its limit")
    }

    /// Handles the answers that already arrived, without waiting.
    mutating func reapCompleted(_ onAcknowledgement: (InFlightProduce, ProduceAcknowledgement) throws -> Void)
        async throws
    {
        while let oldest = requests.first, oldest.isCompleted { try await completeOldest(onAcknowledgement) }
    }

    /// Waits for every request in flight.
    mutating func drain(_ onAcknowledgement: (InFlightProduce, ProduceAcknowledgement) throws -> Void) async throws {
        while !requests.isEmpty { try await completeOldest(onAcknowledgement) }
    }

    private mutating func completeOldest(
        _ onAcknowledgement: (InFlightProduce, ProduceAcknowledgement) throws -> Void
    ) async throws {
        let oldest = requests.removeFirst()
        let acknowledgement: ProduceAcknowledgement
        do {
            acknowledgement = try await oldest.acknowledgement()
        } catch {
            throw Self.failure(oldest.topicPartition, error)
        }
        let response = acknowledgement.response
        guard response.errorCode == .none else {
            throw Self.failure(oldest.topicPartition, SluiceError(response.errorCode, response.errorMessage))
        }
        try onAcknowledgement(oldest, acknowledgement)
    }

    /// `Error producing to T-P: CODE_NAME: message` (the message is left out when empty).
    static func failure(_ topicPartition: TopicPartition, _ error: any Error) -> CommandFailure {
        if let sluiceError = error as? SluiceError {
            return CommandFailure("Error producing to \(topicPartition): \(sluiceError)")
        }
        if let connectError = error as? ConnectError {
            return CommandFailure("Error producing to \(topicPartition): \(connectError.code.name): \(connectError)")
        }
        return CommandFailure("Error producing to \(topicPartition): \(error)")
    }
}
