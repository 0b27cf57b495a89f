import Foundation
import Testing

/// The live `/metrics` scrape parses with promtool and shows the partition gauges; `/health`, `/ready` answer.
@Suite(.serialized)
struct MetricsEndpointTests {
    static func get(_ url: String) throws -> (Int, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let status = Int(text.split(separator: "\n").last ?? "") ?? 0
        return (status, String(text.dropLast(String(status).count + 1)))
    }

    /// The sample value of the series `series` (name and labels exactly as exposed), if present.
    static func value(of series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func liveScrapePassesPromtoolAndShowsHighWatermark() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try CLI.run(["topics", "create", "metered", "--partitions", "2", "--bootstrap-server", broker.bootstrap]).status == 0)
        let produce = try CLI.run(["produce", "--topic", "metered", "--partition", "1", "--acks", "all",
                                   "--bootstrap-server", broker.bootstrap], stdin: Data("a\nb\nc\n".utf8))
        #expect(produce.status == 0, "\(produce.stderr)")
        let (status, text) = try Self.get("http://127.0.0.1:\(broker.httpPort)/metrics")
        #expect(status == 200)
        #expect(Self.value(of: "sluice_partition_high_watermark{topic=\"metered\",partition=\"1\"}", in: text) == 3)
        #expect(Self.value(of: "sluice_partition_log_end_offset{topic=\"metered\",partition=\"0\"}", in: text) == 0)
        // The embedded single broker is its own controller, and says so from the first scrape.
        #expect(Self.value(of: "sluice_controller_active", in: text) == 1)
        #expect((Self.value(of: "sluice_controller_epoch", in: text) ?? 0) >= 1)
        #expect(Self.value(of: "sluice_controller_elections_total", in: text) == 1)
        #expect(Self.value(of: "sluice_cluster_brokers_alive", in: text) == 1)
        #expect(Self.value(of: "sluice_controller_offline_partitions", in: text) == 0)
        for name in ["sluice_broker_produce_requests_total", "sluice_broker_records_in_total", "sluice_log_flush_seconds",
                     "sluice_build_info", "process_resident_memory_bytes", "sluice_broker_leader_partitions"] {
            #expect(text.contains("# HELP \(name)"), "missing \(name)")
        }
        let promtool = "/usr/bin/promtool"
        guard FileManager.default.isExecutableFile(atPath: promtool) else {
            print("promtool not installed (Debian package prometheus); skipping the exposition check")
            return
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: promtool)
        check.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        check.standardInput = input
        check.standardOutput = output
        check.standardError = output
        try check.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "promtool check metrics: \(report)")
    }

    @Test func healthAndReadyAnswer() throws {
        let broker = try BrokerProcess()
        defer { broker.kill9(); broker.removeData() }
        #expect(try Self.get("http://127.0.0.1:\(broker.httpPort)/health").0 == 200)
        #expect(try Self.get("http://127.0.0.1:\(broker.httpPort)/ready").0 == 200)
    }
}
