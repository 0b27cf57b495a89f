import SluiceConfig
import Testing

@Suite struct BrokerConfigListenerTests {
    @Test func listenerWithoutPortIsRefused() {
        let error = brokerConfigError(key: "listeners", value: "PLAINTEXT://127.0.0.1")
        #expect(error?.key == "listeners")
        #expect(error?.value == "PLAINTEXT://127.0.0.1")
        #expect(error?.problem.hasPrefix("missing port") == true)
    }

    @Test(arguments: ["SSL://127.0.0.1:9093", "SASL_PLAINTEXT://h:9092", "INTERNAL://h:9092", "http://h:80"])
    func listenerOtherThanPlaintextIsRefused(value: String) {
        #expect(brokerConfigError(key: "listeners", value: value)?.problem.contains("only PLAINTEXT") == true)
    }

    @Test func listenerPortAbove65535IsRefused() {
        let error = brokerConfigError(key: "listeners", value: "PLAINTEXT://127.0.0.1:70000")
        #expect(error?.problem.hasPrefix("port 70000 is out of range 0-65535") == true)
    }

    @Test(arguments: [
        "127.0.0.1:9092", "PLAINTEXT:/h:1", "PLAINTEXT://h:x", "PLAINTEXT://h:-1", "PLAINTEXT://::1:9092",
        "PLAINTEXT://[::1:9092", "PLAINTEXT://h st:1", "", "PLAINTEXT://a:1,PLAINTEXT://b:2",
    ])
    func malformedListenerIsRefused(value: String) {
        #expect(brokerConfigError(key: "listeners", value: value)?.key == "listeners")
    }

    @Test func listenerAcceptsEmptyHostPortZeroIPv6AndLowerCaseName() throws {
        #expect(try brokerConfig("listeners=PLAINTEXT://:0").listeners[0].address == HostPort(host: "", port: 0))
        let ipv6 = try brokerConfig("listeners=plaintext://[::1]:9092").listeners[0]
        #expect(ipv6.name == "PLAINTEXT")
        #expect(ipv6.host == "::1")
        #expect(ipv6.description == "PLAINTEXT://[::1]:9092")
    }

    @Test func advertisedListenerMustBeRoutableWithARealPort() {
        for value in ["PLAINTEXT://0.0.0.0:9092", "PLAINTEXT://[::]:9092", "PLAINTEXT://:9092", "PLAINTEXT://h:0"] {
            #expect(
                brokerConfigError(key: "advertised.listeners", value: value)?.key == "advertised.listeners", "\(value)")
        }
    }

    @Test func httpListenerNeedsHostAndPortAndAllowsPortZero() throws {
        #expect(try brokerConfig("http.listener=127.0.0.1:0").httpListener.port == 0)
        #expect(try brokerConfig("http.listener=[::1]:9192").httpListener.host == "::1")
        for value in ["127.0.0.1", ":9192", "h:65536", "h:", "http://h:1"] {
            #expect(brokerConfigError(key: "http.listener", value: value)?.key == "http.listener", "\(value)")
        }
    }
}
