import Foundation
import Testing

/// Broker errors through the gateway. Under ISR < min.insync.replicas (one broker, a topic created with
/// min.insync.replicas=2, the gateway's producer at acks=all) it answers with Confluent's retriable 50003 and the
/// broker's own message without waiting for the delivery timeout, and when told to retry until that timeout,
/// the timeout's message carries the last broker error. Size errors name the key to change.
/// (Part of the `GatewayTests` suite.)
extension GatewayTests {
    @Test func notEnoughReplicasIsAnsweredPromptlyWithTheBrokersMessage() throws {
        // A delivery timeout of ten minutes: the answer must come from the bounded retries, not from it.
        let broker = try Self.brokerWithTopic("isr", config: "min.insync.replicas=2", overrides: ["gateway.delivery.timeout.ms=600000"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        let reply = try Self.post(
            "http://127.0.0.1:\(broker.httpPort)/topics/isr", contentType: Self.json,
            body: Data("{\"records\":[{\"value\":1},{\"value\":2}]}".utf8), maxTimeSeconds: 30)
        #expect(reply.status == 200, "answered within curl's 30 s: \(reply.text)")
        #expect(reply.offsets.count == 2, "\(reply.text)")
        for entry in reply.offsets {
            #expect(entry["error_code"] as? Int == 50003, "\(reply.text)")
            #expect(
                entry["error"] as? String
                    == "NOT_ENOUGH_REPLICAS: isr-0 has 1 in-sync replicas, min.insync.replicas is 2",
                "\(reply.text)")
        }
    }

    @Test func aDeliveryTimeoutCarriesTheLastBrokerError() throws {
        // Kafka's behaviour on request: retry until gateway.delivery.timeout.ms, then say why.
        let broker = try Self.brokerWithTopic("isr", config: "min.insync.replicas=2", overrides: [
            "gateway.retries=2147483647", "gateway.delivery.timeout.ms=1500", "gateway.request.timeout.ms=1000",
            "gateway.linger.ms=0",
        ])
        defer {
            broker.kill9()
            broker.removeData()
        }
        let reply = try Self.post(
            "http://127.0.0.1:\(broker.httpPort)/topics/isr", contentType: Self.json,
            body: Data("{\"records\":[{\"value\":1}]}".utf8), maxTimeSeconds: 30)
        #expect(reply.status == 200, "\(reply.text)")
        let entry = try #require(reply.offsets.first, "\(reply.text)")
        #expect(entry["error_code"] as? Int == 50003, "\(reply.text)")
        #expect(
            entry["error"] as? String
                == "record not acknowledged within gateway.delivery.timeout.ms (1500 ms); last error "
                + "NOT_ENOUGH_REPLICAS: isr-0 has 1 in-sync replicas, min.insync.replicas is 2", "\(reply.text)")
    }

    @Test func perRecordSizeErrorsNameTheKeyToChange() throws {
        let broker = try Self.brokerWithTopic("small", config: "max.message.bytes=200", overrides: ["gateway.max.request.size=1000"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        let url = "http://127.0.0.1:\(broker.httpPort)/topics/small"
        // Above the gateway producer's own limit: its key as the operator writes it.
        let huge = try Self.post(
            url, contentType: Self.json,
            body: Data("{\"records\":[{\"value\":\"\(String(repeating: "h", count: 2000))\"}]}".utf8),
            maxTimeSeconds: 30)
        let hugeError = try #require(huge.offsets.first?["error"] as? String, "\(huge.text)")
        #expect(hugeError.contains("larger than gateway.max.request.size (1000)"), "\(huge.text)")
        // Within it but above the topic's: the broker names max.message.bytes.
        let big = try Self.post(
            url, contentType: Self.json,
            body: Data("{\"records\":[{\"value\":\"\(String(repeating: "b", count: 300))\"}]}".utf8),
            maxTimeSeconds: 30)
        let bigError = try #require(big.offsets.first?["error"] as? String, "\(big.text)")
        #expect(bigError.hasPrefix("MESSAGE_TOO_LARGE: "), "\(big.text)")
        #expect(bigError.contains("larger than max.message.bytes (200)"), "\(big.text)")
    }

    /// A broker with `overrides` and a one-partition topic created with `--config config`.
    static func brokerWithTopic(_ topic: String, config: String, overrides: [String]) throws -> BrokerProcess {
        let broker = try BrokerProcess(overrides: overrides)
        let created = try CLI.run([
            "topics", "create", topic, "--partitions", "1", "--config", config, "--bootstrap-server", broker.bootstrap,
        ])
        guard created.status == 0 else {
            broker.kill9()
            broker.removeData()
            throw BrokerProcessError("topics create \(topic): \(created.stderr)")
        }
        return broker
    }
}
