import SluiceCluster
import SluiceWire

extension BrokerRequestHandler {
    /// InitProducerId for an idempotent (non-transactional) producer: a fresh producer id at epoch 0, as
    /// Kafka gives every producer without a `transactional.id`. The id comes from a block the metadata store
    /// persisted, so no broker ever hands it out again; a store failure answers its error code, id -1.
    func initProducerId(_ request: InitProducerIdRequest) async -> InitProducerIdResponse {
        do {
            let producerId = try await producerIds.nextProducerId()
            assert(producerId >= 0, "producer ids are not negative")
            logger.debug("InitProducerId", metadata: ["sluice.producer_id": "\(producerId)"])
            return InitProducerIdResponse(producerId: producerId, producerEpoch: 0)
        } catch {
            logger.error("InitProducerId failed: \(error)")
            return InitProducerIdResponse(errorCode: error.errorCode, producerId: -1, producerEpoch: -1)
        }
    }
}
