import Foundation
import Testing

/// SIGTERM always ends `sluiced`: cleanly when it can, and within `shutdown.timeout.ms` in every start-up
/// state, even when start-up is stuck (a fault-injection point, `SLUICED_TEST_HANG_AT`, blocks a start-up
/// thread the way a hung disk would).
@Suite(.serialized)
struct ShutdownTests {
    @Test(arguments: ["native-bound", "http-bound", "log-recovery", "logs-recovered"])
    func sigtermEndsAStuckStartWithinTheShutdownTimeout(phase: String) throws {
        let daemon = try LaunchedDaemon(
            overrides: ["shutdown.timeout.ms=1500"], environment: ["SLUICED_TEST_HANG_AT": phase])
        #expect(daemon.waitForStderr("SLUICED_TEST_HANG_AT=\(phase): start-up hangs here"))
        daemon.signal(SIGTERM)
        let status = try daemon.waitForExit(timeout: .seconds(30))
        #expect(status == 1, "still running or wrong status after SIGTERM at \(phase):\n\(daemon.stderr)")
        #expect(daemon.stderr.contains("did not stop within shutdown.timeout.ms=1500"))
        #expect(!daemon.stderr.contains("SLUICE_EVENT=broker_ready"))
    }

    @Test func sigtermWhileServingAConsumerFlushesClosesAndExitsZero() throws {
        let broker = try BrokerProcess()
        defer { broker.removeData() }
        #expect(try CLI.run(["--bootstrap-server", broker.bootstrap, "topics", "create", "t"]).status == 0)
        let produced = try CLI.run(
            ["--bootstrap-server", broker.bootstrap, "produce", "--topic", "t"], stdin: Data("a\nb\n".utf8))
        #expect(produced.status == 0)
        let consumer = try CLIProcess(
            ["--bootstrap-server", broker.bootstrap, "consume", "--topic", "t", "--from-beginning"])
        // The consumer is long-polling once the broker counts a fetch from it.
        let fetching = try ProducerTestSupport.eventually(timeout: .seconds(30)) {
            let (_, scraped) = try MetricsEndpointTests.get("http://127.0.0.1:\(broker.httpPort)/metrics")
            let fetches = MetricsEndpointTests.value(
                of: #"sluice_broker_fetch_requests_total{type="consumer"}"#, in: scraped)
            return (fetches ?? 0) >= 1
        }
        #expect(fetching)
        #expect(broker.stop() == 0)
        #expect(broker.stderr.contains("logs flushed and closed"))
        #expect(broker.stderr.contains("SLUICE_EVENT=broker_stopping"))
    }
}
