import SluiceCluster
import SluiceWire

/// The controller's own APIs: only the broker holding the office answers them; any other says NOT_CONTROLLER
/// (naming the controller it knows), and the client asks that one.
extension BrokerRequestHandler {
    /// ElectLeaders (preferred): moves leadership back to each partition's first replica where possible.
    func electLeaders(_ request: ElectLeadersRequest) async -> ElectLeadersResponse {
        guard let controller, await controller.current != nil else {
            return ElectLeadersResponse(errorCode: .notController, errorMessage: notControllerMessage())
        }
        do {
            let elections = try await controller.electPreferred(topics: request.topics.isEmpty ? nil : Set(request.topics))
            return ElectLeadersResponse(elections: elections.map {
                ElectionResult(
                    topic: $0.topic, partition: $0.state.partition, leader: $0.state.leader,
                    leaderEpoch: $0.state.leaderEpoch, previousLeader: $0.previousLeader)
            })
        } catch {
            return ElectLeadersResponse(errorCode: error.code, errorMessage: error.message)
        }
    }

    /// ControlledShutdown: moves the leaderships of the stopping broker to other in-sync replicas first.
    func controlledShutdown(_ request: ControlledShutdownRequest) async -> ControlledShutdownResponse {
        guard let controller, await controller.current != nil else {
            return ControlledShutdownResponse(errorCode: .notController, errorMessage: notControllerMessage())
        }
        do {
            let remaining = try await controller.controlledShutdown(of: request.brokerId)
            return ControlledShutdownResponse(remainingPartitions: Int32(remaining))
        } catch {
            return ControlledShutdownResponse(errorCode: error.code, errorMessage: error.message)
        }
    }

    private func notControllerMessage() -> String {
        let controllerId = cache.image.controller?.brokerId ?? -1
        return "broker \(replicaManager.brokerId) is not the controller (controller: "
            + (controllerId >= 0 ? "broker \(controllerId))" : "none known)")
    }
}
