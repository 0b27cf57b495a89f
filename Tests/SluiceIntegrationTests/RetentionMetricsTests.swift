import Foundation
import Testing

/// Retention deletes segments with a log line and counts them in `sluice_log_segments_deleted_total{reason}`
/// and `sluice_log_segments_deleted_bytes_total{reason}`.
@Suite(.serialized)
struct RetentionMetricsTests {
    @Test func retentionByBytesAndByTimeIsCountedAndLogged() throws {
        let broker = try BrokerProcess(overrides: ["log.retention.check.interval.ms=1000"])
        defer {
            broker.kill9()
            broker.removeData()
        }
        let (_, initial) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        for reason in ["retention_ms", "retention_bytes", "truncation"] {
            #expect(
                MetricsEndpointTests.value(of: series("sluice_log_segments_deleted_total", reason), in: initial) == 0)
        }
        for (topic, retention) in [("sized", "retention.bytes=2048"), ("aged", "retention.ms=1")] {
            let created = try CLI.run([
                "topics", "create", topic, "--config", "segment.bytes=1024", "--config", retention,
                "--bootstrap-server", broker.bootstrap,
            ])
            #expect(created.status == 0, "\(created.stderr)")
            // Small batches, so the 1 KiB segments roll many times.
            let lines = (0..<300).map { "record-\($0)-" + String(repeating: "x", count: 40) }
            let produced = try CLI.run(
                [
                    "produce", "--topic", topic, "--acks", "all", "--batch-size", "400", "--bootstrap-server",
                    broker.bootstrap,
                ],
                stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
            #expect(produced.status == 0, "\(produced.stderr)")
        }
        var text = ""
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while ContinuousClock.now < deadline {
            text = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics").1
            let moved = ["retention_bytes", "retention_ms"].allSatisfy {
                (MetricsEndpointTests.value(of: series("sluice_log_segments_deleted_bytes_total", $0), in: text) ?? 0)
                    > 0
            }
            if moved { break }
            usleep(100_000)  // polling the endpoint with a deadline
        }
        for reason in ["retention_bytes", "retention_ms"] {
            let segments = MetricsEndpointTests.value(of: series("sluice_log_segments_deleted_total", reason), in: text)
            #expect((segments ?? 0) >= 1, "\(reason): \(text)")
        }
        #expect(
            MetricsEndpointTests.value(of: series("sluice_log_segments_deleted_total", "truncation"), in: text) == 0)
        let stderr = broker.stderr
        for (reason, partition) in [("retention_bytes", "sized-0"), ("retention_ms", "aged-0")] {
            let line =
                #"retention deleted \d+ segment\(s\) \(\d+ bytes\) by "# + reason + " of " + partition
                + #"; log start offset 0 -> [1-9]"#
            #expect(stderr.range(of: line, options: .regularExpression) != nil, "no line for \(partition): \(stderr)")
        }
    }

    private func series(_ name: String, _ reason: String) -> String { "\(name){reason=\"\(reason)\"}" }
}
