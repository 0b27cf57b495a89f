import Foundation
import SluiceCluster
import SluiceWire
import Testing

@testable import SluiceBroker

/// InitProducerId: ids from blocks persisted in the embedded metadata store, never reused after a restart.
@Suite struct ProducerIdTests {
    @Test func idsAreUniqueAcrossBlocksAndConcurrentCallers() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "test")
            let manager = ProducerIdManager(store: store, blockSize: 7)
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<50 { group.addTask { try await manager.nextProducerId() } }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(Set(ids).count == 50)
            #expect(ids.allSatisfy { $0 >= 0 })
        }
    }

    @Test func restartedBrokerNeverReusesAnId() async throws {
        try await withTemporaryDirectory { directory in
            let first = ProducerIdManager(store: try EmbeddedMetadataStore(directory: directory, clusterId: "test"))
            let before = [try await first.nextProducerId(), try await first.nextProducerId()]
            #expect(before == [0, 1])
            let reopened = try EmbeddedMetadataStore(directory: directory, clusterId: "test")
            let second = ProducerIdManager(store: reopened)
            #expect(try await second.nextProducerId() == Int64(ProducerIdManager.defaultBlockSize))
            #expect(try await reopened.allocateProducerIds(count: 3) == 2_000..<2_003)
        }
    }

    @Test func initProducerIdAnswersAFreshIdAtEpochZero() async throws {
        try await withTemporaryDirectory { directory in
            let store = try EmbeddedMetadataStore(directory: directory, clusterId: "test")
            let handler = BrokerRequestHandler(
                replicaManager: try makeReplicaManager(directory), store: store,
                defaults: .init(numPartitions: 1, replicationFactor: 1), logger: quietLogger)
            var seen: [Int64] = []
            for correlationId in Int32(1)...3 {
                let response = await handler.handle(
                    Request(correlationId: correlationId, body: .initProducerId(InitProducerIdRequest())))
                #expect(response.errorCode == .none)
                guard case .initProducerId(let body) = response.body else {
                    Issue.record("no InitProducerId body")
                    return
                }
                #expect(body.errorCode == .none)
                #expect(body.producerEpoch == 0)
                seen.append(body.producerId)
            }
            #expect(seen == [0, 1, 2])
            handler.replicaManager.shutdown()
        }
    }
}
