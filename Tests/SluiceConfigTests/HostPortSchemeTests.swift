import SluiceConfig
import Testing

@Suite struct HostPortSchemeTests {
    @Test(arguments: ["PLAINTEXT://127.0.0.1:9092", "http://h:9192", "kafka://[::1]:9092"])
    func aSchemeInAnAddressIsToldToBeDropped(value: String) throws {
        let reason = try #require(HostPort.rejection(of: value, portsAllowed: 1...65_535))
        #expect(reason.hasPrefix("drop the scheme"), "\(reason)")
        #expect(!reason.contains("IPv6"), "\(reason)")
    }

    @Test func plainAddressesStillParse() {
        #expect(HostPort.rejection(of: "127.0.0.1:9092", portsAllowed: 1...65_535) == nil)
        #expect(HostPort.rejection(of: "[::1]:9092", portsAllowed: 1...65_535) == nil)
        #expect(HostPort.rejection(of: "::1:9092", portsAllowed: 1...65_535)?.contains("IPv6") == true)
    }
}
