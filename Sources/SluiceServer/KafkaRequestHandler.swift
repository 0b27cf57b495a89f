import Logging
import NIOCore
import SluiceBroker
import SluiceCluster
import SluiceKafka
import SluiceWire

/// Answers Kafka clients on the native listener's port (the first byte of a frame tells the protocols apart:
/// `KafkaRequest.isKafka(frame:)`). Serves ApiVersions and Metadata from the broker's metadata cache, never with a
/// store round trip. A request that does not parse, or an API or version that is not served (other than
/// ApiVersions, which answers UNSUPPORTED_VERSION with its list), closes the connection, as Kafka does.
struct KafkaRequestHandler: Sendable {
    let cache: BrokerMetadataCache
    let logger: Logger

    /// The response frame to `frame`, or nil to close the connection.
    func respond(to frame: ByteBuffer, peer: String) -> ByteBuffer? {
        var request: KafkaRequest
        do { request = try KafkaRequest(frame: frame) } catch {
            logger.warning("closing Kafka connection from \(peer): \(error)")
            return nil
        }
        guard let api = request.apiKey else {
            logger.warning("closing Kafka connection from \(peer): API key \(request.apiKeyValue) is not served")
            return nil
        }
        if api == .apiVersions {
            return KafkaRequest.responseFrame(
                correlationId: request.correlationId, body: KafkaApiVersions.responseBody(version: request.apiVersion))
        }
        guard api.supportedVersions.contains(request.apiVersion) else {
            logger.warning("closing Kafka connection from \(peer): \(api.name) v\(request.apiVersion) is not served")
            return nil
        }
        do {
            let body: ByteBuffer
            switch api {
            case .metadata:
                let wanted = try KafkaMetadata.decodeRequest(&request.body, version: request.apiVersion)
                body = KafkaMetadata.responseBody(Self.metadata(wanted, image: cache.image), version: request.apiVersion)
            case .apiVersions:
                preconditionFailure("ApiVersions is answered above")
            }
            return KafkaRequest.responseFrame(correlationId: request.correlationId, body: body)
        } catch {
            logger.warning("closing Kafka connection from \(peer): \(api.name) v\(request.apiVersion): \(error)")
            return nil
        }
    }

    /// The Metadata answer from the cache's `image`: every registered broker, the controller, and the topics
    /// asked for (all when nil), a missing one as UNKNOWN_TOPIC_OR_PARTITION. Pure.
    static func metadata(_ request: KafkaMetadata.Request, image: BrokerMetadataCache.Image) -> KafkaMetadata.Response {
        let names = request.topics ?? image.topics.keys.sorted()
        let topics = names.map { name -> KafkaMetadata.Topic in
            guard let topic = image.topics[name] else {
                return KafkaMetadata.Topic(errorCode: .unknownTopicOrPartition, name: name, partitions: [])
            }
            let partitions = topic.partitions.sorted { $0.partition < $1.partition }.map { state in
                KafkaMetadata.Partition(
                    errorCode: state.leader >= 0 ? .none : .leaderNotAvailable, index: state.partition,
                    leader: state.leader, leaderEpoch: state.leaderEpoch, replicas: state.replicas, isr: state.isr,
                    offlineReplicas: state.replicas.filter { image.brokers[$0] == nil })
            }
            return KafkaMetadata.Topic(errorCode: .none, name: name, partitions: partitions)
        }
        return KafkaMetadata.Response(
            brokers: image.sortedBrokers,
            clusterId: image.clusterId, controllerId: image.controller?.brokerId ?? -1, topics: topics)
    }
}
