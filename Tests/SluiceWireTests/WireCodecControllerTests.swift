import NIOCore
import SluiceWire
import Testing

/// ElectLeaders and ControlledShutdown survive the wire both ways, errors and empty lists included.
@Suite struct WireCodecControllerTests {
    private func roundTrip(_ body: RequestBody) throws -> RequestBody {
        try WireCodec.decodeRequest(WireCodec.encode(Request(correlationId: 3, clientId: "c", body: body))).body
    }

    private func roundTrip(_ body: ResponseBody) throws -> ResponseBody {
        try WireCodec.decodeResponse(WireCodec.encode(Response(correlationId: 3, body: body))).body
    }

    @Test func electLeadersRequestAndResponseRoundTrip() throws {
        guard case .electLeaders(let request) = try roundTrip(.electLeaders(ElectLeadersRequest(topics: ["a", "b"])))
        else { Issue.record("not ElectLeaders"); return }
        #expect(request.topics == ["a", "b"])
        guard case .electLeaders(let all) = try roundTrip(.electLeaders(ElectLeadersRequest())) else {
            Issue.record("not ElectLeaders"); return
        }
        #expect(all.topics.isEmpty)
        let elections = [
            ElectionResult(topic: "orders", partition: 2, leader: 1, leaderEpoch: 7, previousLeader: 3),
            ElectionResult(topic: "x", partition: 0, leader: 2, leaderEpoch: 1, previousLeader: -1),
        ]
        guard case .electLeaders(let response) = try roundTrip(.electLeaders(ElectLeadersResponse(elections: elections)))
        else { Issue.record("not ElectLeaders"); return }
        #expect(response.elections == elections)
        #expect(response.errorCode == .none)
        let refused = ElectLeadersResponse(errorCode: .notController, errorMessage: "broker 2 is not the controller")
        guard case .electLeaders(let decoded) = try roundTrip(.electLeaders(refused)) else {
            Issue.record("not ElectLeaders"); return
        }
        #expect(decoded == refused)
    }

    @Test func controlledShutdownRequestAndResponseRoundTrip() throws {
        guard case .controlledShutdown(let request) = try roundTrip(.controlledShutdown(ControlledShutdownRequest(brokerId: 4)))
        else { Issue.record("not ControlledShutdown"); return }
        #expect(request.brokerId == 4)
        let answer = ControlledShutdownResponse(remainingPartitions: 2)
        guard case .controlledShutdown(let response) = try roundTrip(.controlledShutdown(answer)) else {
            Issue.record("not ControlledShutdown"); return
        }
        #expect(response == answer)
        #expect(ErrorCode.notController.isRetriable)
        #expect(ErrorCode(wire: 41) == .notController)
    }
}
