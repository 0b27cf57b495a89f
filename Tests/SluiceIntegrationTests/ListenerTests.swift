import Foundation
import Testing

/// Listeners as an operator meets them: a port in use stops the daemon at once, naming what failed; an empty
/// host binds every interface; a wildcard is never advertised.
@Suite(.serialized)
struct ListenerTests {
    @Test(arguments: ["listeners", "http.listener"])
    func portInUseExitsBeforeReadyNamingTheListenerAddressAndCause(key: String) throws {
        let held = try HeldPort()
        let value = key == "listeners" ? "PLAINTEXT://127.0.0.1:\(held.port)" : "127.0.0.1:\(held.port)"
        let daemon = try LaunchedDaemon(overrides: ["\(key)=\(value)"])
        let status = try daemon.waitForExit(timeout: .seconds(30))
        #expect(status == 1)
        let stderr = daemon.stderr
        #expect(stderr.contains("cannot bind"))
        #expect(stderr.contains("(\(key)): Address already in use (errno 98)"))
        #expect(stderr.contains(value))
        #expect(!stderr.contains("SLUICE_EVENT=broker_ready"))
    }

    @Test func emptyHostBindsEveryInterfaceAndAdvertisesTheHostName() throws {
        let port = ProducerTestSupport.freePort()
        let broker = try BrokerProcess(overrides: ["listeners=PLAINTEXT://:\(port)"])
        defer {
            broker.stop()
            broker.removeData()
        }
        for address in ["127.0.0.1:\(port)", "[::1]:\(port)"] {
            let described = try CLI.run(["--bootstrap-server", address, "cluster", "describe"])
            #expect(described.status == 0, "\(address): \(described.stderr)")
            #expect(described.stdoutText.contains(":\(port) (controller)"))
            #expect(!described.stdoutText.contains("0.0.0.0"))
            #expect(described.stdoutText.contains(ProcessInfo.processInfo.hostName.split(separator: ".")[0]))
        }
    }

    @Test func wildcardListenerIsAdvertisedAsTheHostNameNotTheWildcard() throws {
        let broker = try BrokerProcess(overrides: ["listeners=PLAINTEXT://0.0.0.0:0"])
        defer {
            broker.stop()
            broker.removeData()
        }
        let port = try #require(broker.stderr.firstMatch(of: /PLAINTEXT:\/\/0\.0\.0\.0:(\d+)/)).1
        let described = try CLI.run(["--bootstrap-server", "127.0.0.1:\(port)", "cluster", "describe"])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(!described.stdoutText.contains("0.0.0.0"))
        #expect(described.stdoutText.contains(":\(port) (controller)"))
    }

    @Test(arguments: ["PLAINTEXT://0.0.0.0:9092", "PLAINTEXT://[::]:9092"])
    func advertisingAWildcardIsRefusedWithExitSeventyEight(advertised: String) throws {
        let daemon = try LaunchedDaemon(overrides: ["advertised.listeners=\(advertised)"])
        #expect(try daemon.waitForExit(timeout: .seconds(30)) == 78)
        #expect(daemon.stderr.contains("advertised.listeners"))
        #expect(daemon.stderr.contains("non-routable"))
    }
}
