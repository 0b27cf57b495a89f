import Foundation
import Testing

/// Produce acks rules, ListOffsets-backed consume positions and a graceful stop, on a real broker.
@Suite(.serialized)
struct BrokerBehaviourTests {
    @Test func acksAllIsRefusedWhenMinInsyncReplicasExceedsTheIsr() throws {
        let broker = try BrokerProcess(overrides: ["min.insync.replicas=2"])
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "strict", "--bootstrap-server", broker.bootstrap]).status == 0)
        let refused = try CLI.run(["produce", "--topic", "strict", "--acks", "all", "--bootstrap-server", broker.bootstrap],
                                  stdin: Data("one\n".utf8))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("NOT_ENOUGH_REPLICAS"), "\(refused.stderr)")
        let accepted = try CLI.run(["produce", "--topic", "strict", "--acks", "1", "--bootstrap-server", broker.bootstrap],
                                   stdin: Data("two\n".utf8))
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let consumed = try CLI.run(["consume", "--topic", "strict", "--from-beginning", "--max-messages", "1",
                                    "--timeout-ms", "5000", "--bootstrap-server", broker.bootstrap])
        #expect(consumed.stdoutText == "two\n", "the refused record must not be in the log")
    }

    @Test func consumeFromAnOffsetAndFromLatest() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "offsets", "--bootstrap-server", broker.bootstrap]).status == 0)
        let lines = (0..<10).map { "v\($0)" }
        #expect(try CLI.run(["produce", "--topic", "offsets", "--bootstrap-server", broker.bootstrap],
                            stdin: Data((lines.joined(separator: "\n") + "\n").utf8)).status == 0)
        let fromSeven = try CLI.run(["consume", "--topic", "offsets", "--partition", "0", "--offset", "7",
                                     "--timeout-ms", "1000", "--bootstrap-server", broker.bootstrap])
        #expect(fromSeven.stdoutText == "v7\nv8\nv9\n")
        let latest = try CLI.run(["consume", "--topic", "offsets", "--offset", "latest", "--timeout-ms", "500",
                                  "--bootstrap-server", broker.bootstrap])
        #expect(latest.status == 0)
        #expect(latest.stdoutText.isEmpty)
        let unknown = try CLI.run(["consume", "--topic", "missing", "--from-beginning", "--timeout-ms", "500",
                                   "--bootstrap-server", broker.bootstrap])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("UNKNOWN_TOPIC_OR_PARTITION"))
    }

    @Test func sigtermStopsCleanlyAndTheNextStartNeedsNoTruncation() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "clean", "--bootstrap-server", broker.bootstrap]).status == 0)
        #expect(try CLI.run(["produce", "--topic", "clean", "--bootstrap-server", broker.bootstrap],
                            stdin: Data("a\nb\n".utf8)).status == 0)
        #expect(broker.stop() == 0)
        #expect(broker.stderr.contains("SLUICE_EVENT=broker_stopping"))
        // The controller office is given up on the way out, naming the epoch and why.
        #expect(broker.stderr.contains("SLUICE_EVENT=controller_resigned"))
        #expect(broker.stderr.contains("REASON=shutdown"))
        let again = try BrokerProcess(dataDir: broker.dataDir)
        defer { again.kill9() }
        #expect(!again.stderr.contains("TRUNCATED_BYTES=") || again.stderr.contains("TRUNCATED_BYTES=0"))
        let describe = try CLI.run(["topics", "describe", "clean", "--bootstrap-server", again.bootstrap])
        #expect(describe.stdoutText.contains("LogEndOffset: 2"))
        #expect(describe.stdoutText.contains("HighWatermark: 2"))
    }
}
