import Foundation
import Testing

/// Sluice needs no privilege: the broker and the CLI work as `nobody` with every capability dropped, as under
/// the systemd unit's dedicated user. (Both once asked for TCP_NODELAY at the socket level, which is SO_DEBUG
/// there: it needs CAP_NET_ADMIN, so for anybody but root every connection failed and the broker stopped.)
@Suite struct UnprivilegedTests {
    static let nobody = [
        "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
        "--bounding-set=-all",
    ]

    @Test func brokerAndCLIWorkAsNobodyWithoutCapabilities() throws {
        let dataDir = BrokerProcess.makeTempDir("sluice-nobody")
        #expect(chmod(dataDir, 0o777) == 0)
        let broker = try BrokerProcess(dataDir: dataDir, launcher: Self.nobody)
        defer {
            broker.kill9()
            broker.removeData()
        }
        let bootstrap = ["--bootstrap-server", broker.bootstrap]
        let created = try CLI.run(["topics", "create", "plain"] + bootstrap, launcher: Self.nobody)
        #expect(created.status == 0, "\(created.stderr)")
        let produced = try CLI.run(
            ["produce", "--topic", "plain", "--acks", "all"] + bootstrap, stdin: Data("a\nb\n".utf8), launcher: Self.nobody)
        #expect(produced.status == 0, "\(produced.stderr)")
        let consumed = try CLI.run(
            ["consume", "--topic", "plain", "--from-beginning", "--max-messages", "2", "--timeout-ms", "5000"] + bootstrap,
            launcher: Self.nobody)
        #expect(consumed.stdoutText == "a\nb\n", "\(consumed.stderr)")
        #expect(broker.isRunning, "the broker served them all and is still up")
    }
}
