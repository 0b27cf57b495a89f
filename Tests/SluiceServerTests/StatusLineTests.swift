@testable import SluiceServer
import Testing

/// The `STATUS=` line `systemctl status` shows for a running broker.
@Suite struct StatusLineTests {
    @Test func aControllerWithAGatewaySaysSoAndItsBacklog() {
        #expect(SluiceServer.statusLine(brokerId: 2, leading: 6, following: 12, controller: true, gatewayBacklog: 40)
            == "broker 2: leading 6 partition(s), following 12, controller, gateway backlog 40 records")
    }

    @Test func aBrokerWithoutTheOfficeOrAGatewayLeavesTheBacklogOut() {
        #expect(SluiceServer.statusLine(brokerId: 1, leading: 0, following: 3, controller: false, gatewayBacklog: nil)
            == "broker 1: leading 0 partition(s), following 3, not controller")
    }
}
