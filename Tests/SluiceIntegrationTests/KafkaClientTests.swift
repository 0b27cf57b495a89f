import Foundation
import SluiceTestSupport
import Testing

/// Kafka's own clients against a real broker, on the same port as the native protocol. kcat (Debian's, librdkafka
/// 2.0.2) is installed by scripts/setup.
@Suite struct KafkaClientTests {
    @Test func kcatListsBrokersTopicsLeadersAndISROnTheNativePort() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let created = try CLI.run(["topics", "create", "orders", "--partitions", "3", "--bootstrap-server", broker.bootstrap])
        #expect(created.status == 0, "\(created.stderr)")
        let listed = try TestTools.run("/usr/bin/kcat", ["-b", broker.bootstrap, "-L", "-J", "-m", "10"])
        #expect(listed.status == 0, "\(listed.output)")
        let json = try #require(listed.output.split(separator: "\n").last { $0.hasPrefix("{") })
        let metadata = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(metadata["controllerid"] as? Int == 1)
        let brokers = try #require(metadata["brokers"] as? [[String: Any]])
        #expect(brokers.map { $0["name"] as? String } == [broker.bootstrap])
        let topics = try #require(metadata["topics"] as? [[String: Any]])
        let orders = try #require(topics.first { $0["topic"] as? String == "orders" })
        let partitions = try #require(orders["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["partition"] as? Int } == [0, 1, 2])
        #expect(partitions.allSatisfy { $0["leader"] as? Int == 1 })
        // The native protocol still works on the same port, on a new connection and after Kafka's.
        let described = try CLI.run(["topics", "describe", "orders", "--bootstrap-server", broker.bootstrap])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(broker.isRunning)
    }

    @Test func kcatAsksForAMissingTopicAndHearsItIsUnknown() throws {
        let broker = try BrokerProcess()
        defer {
            broker.stop()
            broker.removeData()
        }
        let listed = try TestTools.run("/usr/bin/kcat", ["-b", broker.bootstrap, "-L", "-J", "-t", "absent", "-m", "10"])
        let json = try #require(listed.output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(listed.output)")
        let metadata = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let topics = try #require(metadata["topics"] as? [[String: Any]])
        #expect(topics.first?["topic"] as? String == "absent")
        #expect((topics.first?["error"] as? String)?.contains("Unknown topic") == true, "\(topics)")
    }
}
