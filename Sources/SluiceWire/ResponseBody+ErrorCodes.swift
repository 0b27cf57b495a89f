/// The error codes a response carries, for `sluice_broker_request_errors_total{api,error}` (Kafka's
/// `errorCounts()` behind its ErrorsPerSec metric, without NONE).
extension ResponseBody {
    /// Every distinct error code other than NONE in the body: per topic, per partition, and the body's own.
    public var errorCodes: Set<ErrorCode> {
        var codes: Set<ErrorCode> = []
        switch self {
        case .none, .describeCluster:
            break
        case .metadata(let response):
            for topic in response.topics {
                codes.insert(topic.errorCode)
                for partition in topic.partitions { codes.insert(partition.errorCode) }
            }
        case .createTopics(let response), .deleteTopics(let response):
            for topic in response.topics { codes.insert(topic.errorCode) }
        case .describeTopics(let response):
            for topic in response.topics {
                codes.insert(topic.errorCode)
                for partition in topic.partitions { codes.insert(partition.errorCode) }
            }
        case .produce(let response):
            for topic in response.topics { for partition in topic.partitions { codes.insert(partition.errorCode) } }
        case .fetch(let response):
            for topic in response.topics { for partition in topic.partitions { codes.insert(partition.errorCode) } }
        case .listOffsets(let response):
            for topic in response.topics { for partition in topic.partitions { codes.insert(partition.errorCode) } }
        case .initProducerId(let response):
            codes.insert(response.errorCode)
        case .offsetForLeaderEpoch(let response):
            for topic in response.topics { for partition in topic.partitions { codes.insert(partition.errorCode) } }
        case .electLeaders(let response):
            codes.insert(response.errorCode)
        case .controlledShutdown(let response):
            codes.insert(response.errorCode)
        }
        codes.remove(.none)
        return codes
    }
}
