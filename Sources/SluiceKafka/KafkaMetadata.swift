import NIOCore
import SluiceWire

/// Metadata (key 3), v0–v8, non-flexible: the request's topics and the response's brokers, controller and
/// partitions with leaders, leader epochs, replicas and ISR.
public enum KafkaMetadata {
    /// What a Metadata request asks for.
    public struct Request: Equatable, Sendable {
        /// nil: every topic (v0: an empty array; v1+: a null array). Empty (v1+): none.
        public var topics: [String]?
        /// v4+: whether a missing topic may be created (`auto.create.topics.enable` decides on the broker).
        public var allowAutoTopicCreation: Bool

        public init(topics: [String]?, allowAutoTopicCreation: Bool) {
            self.topics = topics
            self.allowAutoTopicCreation = allowAutoTopicCreation
        }
    }

    public struct Partition: Sendable {
        public var errorCode: ErrorCode
        public var index: Int32
        public var leader: Int32
        public var leaderEpoch: Int32
        public var replicas: [Int32]
        public var isr: [Int32]
        /// Replicas whose broker is not registered (v5+).
        public var offlineReplicas: [Int32]

        public init(
            errorCode: ErrorCode, index: Int32, leader: Int32, leaderEpoch: Int32, replicas: [Int32], isr: [Int32],
            offlineReplicas: [Int32]
        ) {
            self.errorCode = errorCode
            self.index = index
            self.leader = leader
            self.leaderEpoch = leaderEpoch
            self.replicas = replicas
            self.isr = isr
            self.offlineReplicas = offlineReplicas
        }
    }

    public struct Topic: Sendable {
        public var errorCode: ErrorCode
        public var name: String
        public var isInternal: Bool
        public var partitions: [Partition]

        public init(errorCode: ErrorCode, name: String, isInternal: Bool = false, partitions: [Partition]) {
            self.errorCode = errorCode
            self.name = name
            self.isInternal = isInternal
            self.partitions = partitions
        }
    }

    public struct Response: Sendable {
        /// Every registered broker (Sluice's `BrokerInfo`: node id, advertised host and port).
        public var brokers: [BrokerInfo]
        public var clusterId: String?
        public var controllerId: Int32
        public var topics: [Topic]

        public init(brokers: [BrokerInfo], clusterId: String?, controllerId: Int32, topics: [Topic]) {
            self.brokers = brokers
            self.clusterId = clusterId
            self.controllerId = controllerId
            self.topics = topics
        }
    }

    /// Reads a request body of `version` (0–8).
    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        precondition(KafkaApiKey.metadata.servedVersions.contains(version), "Metadata v\(version) is not served")
        var topics: [String]?
        if let count = try reader.arrayLength(minimumElementBytes: 2) {
            var names: [String] = []
            names.reserveCapacity(count)
            for _ in 0..<count { names.append(try reader.string()) }
            // v0 has no null array: an empty one means every topic.
            topics = version == 0 && names.isEmpty ? nil : names
        } else if version == 0 {
            throw KafkaProtocolError("Metadata v0 with a null topics array")
        }
        let allow = version >= 4 ? try reader.bool() : true
        if version >= 8 {
            _ = try reader.bool()  // include_cluster_authorized_operations
            _ = try reader.bool()  // include_topic_authorized_operations
        }
        return Request(topics: topics, allowAutoTopicCreation: allow)
    }

    /// The response body at `version` (0–8).
    public static func responseBody(_ response: Response, version: Int16) -> ByteBuffer {
        precondition(KafkaApiKey.metadata.servedVersions.contains(version), "Metadata v\(version) is not served")
        var writer = KafkaWriter(capacity: 128 + 64 * response.topics.count)
        if version >= 3 { writer.int32(0) }  // throttle_time_ms
        writer.array(response.brokers) { writer, broker in
            writer.int32(broker.nodeId)
            writer.string(broker.host)
            writer.int32(broker.port)
            if version >= 1 { writer.string(nil) }  // rack
        }
        if version >= 2 { writer.string(response.clusterId) }
        if version >= 1 { writer.int32(response.controllerId) }
        writer.array(response.topics) { writer, topic in
            writer.int16(topic.errorCode.rawValue)
            writer.string(topic.name)
            if version >= 1 { writer.bool(topic.isInternal) }
            writer.array(topic.partitions) { writer, partition in
                writer.int16(partition.errorCode.rawValue)
                writer.int32(partition.index)
                writer.int32(partition.leader)
                if version >= 7 { writer.int32(partition.leaderEpoch) }
                writer.int32Array(partition.replicas)
                writer.int32Array(partition.isr)
                if version >= 5 { writer.int32Array(partition.offlineReplicas) }
            }
            if version >= 8 { writer.int32(Int32.min) }  // topic_authorized_operations: not requested
        }
        if version >= 8 { writer.int32(Int32.min) }  // cluster_authorized_operations: not requested
        return writer.buffer
    }
}
