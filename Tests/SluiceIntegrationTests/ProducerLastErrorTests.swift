import Foundation
import SluiceProducer
import Testing

/// A record that cannot be delivered says why: a delivery timeout carries the last error its batch met,
/// here the broker that went away (its connection closed, or connects refused afterwards).
@Suite(.serialized)
struct ProducerLastErrorTests {
    @Test func aDeliveryTimeoutAfterTheBrokerStoppedNamesTheConnectionFailure() async throws {
        let broker = try BrokerProcess()
        defer {
            broker.kill9()
            broker.removeData()
        }
        #expect(
            try CLI.run(["topics", "create", "away", "--partitions", "1", "--bootstrap-server", broker.bootstrap])
                .status == 0)
        let producer = try Producer(config: [
            "bootstrap.servers": broker.bootstrap, "linger.ms": "0", "request.timeout.ms": "500",
            "delivery.timeout.ms": "1000", "retry.backoff.ms": "50",
        ])
        // Metadata and a connection first, so the next record has a leader to wait for.
        _ = try await producer.send(ProducerRecord(topic: "away", value: Array("before".utf8)))
        #expect(broker.stop() == 0)
        let error = await #expect(throws: ProducerError.self) {
            _ = try await producer.send(ProducerRecord(topic: "away", value: Array("after".utf8)))
        }
        if case .deliveryTimeout(ms: 1_000, let lastError?) = error {
            #expect(lastError.hasPrefix("NETWORK_EXCEPTION: "), "\(lastError)")
            #expect(lastError.contains(broker.bootstrap), "\(lastError)")
        } else {
            Issue.record("expected a delivery timeout with a last error, got \(String(describing: error))")
        }
        await producer.close(timeout: .zero)
    }
}
