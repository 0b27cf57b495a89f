import NIOCore
import SluiceWire

/// CreateTopics (key 19), v2–v4, non-flexible: the topics to create, as the native request, with Kafka's -1
/// (v4: the broker's `num.partitions` / `default.replication.factor`). Manual replica assignments are refused
/// per topic (the controller assigns replicas).
public enum KafkaCreateTopics {
    /// A decoded request.
    public struct Request: Sendable {
        public var create: CreateTopicsRequest
        /// Topics that asked for manual replica assignments.
        public var manuallyAssigned: Set<String>
        /// v1+: check only, create nothing.
        public var validateOnly: Bool

        public init(create: CreateTopicsRequest, manuallyAssigned: Set<String>, validateOnly: Bool) {
            self.create = create
            self.manuallyAssigned = manuallyAssigned
            self.validateOnly = validateOnly
        }
    }

    /// Reads a request body of `version` (2–4).
    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        precondition(KafkaApiKey.createTopics.servedVersions.contains(version), "CreateTopics v\(version) is not served")
        // Each topic: name (2+), partitions (4), replication factor (2), two arrays (4 each).
        let count = try reader.arrayLength(minimumElementBytes: 16) ?? 0
        var topics: [CreatableTopic] = []
        var manuallyAssigned: Set<String> = []
        topics.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.string()
            let partitions = try reader.int32()
            let replicationFactor = try reader.int16()
            let assignments = try reader.arrayLength(minimumElementBytes: 8) ?? 0
            for _ in 0..<assignments {
                _ = try reader.int32()
                let brokers = try reader.arrayLength(minimumElementBytes: 4) ?? 0
                for _ in 0..<brokers { _ = try reader.int32() }
            }
            if assignments > 0 { manuallyAssigned.insert(name) }
            let configCount = try reader.arrayLength(minimumElementBytes: 4) ?? 0
            var configs: [(key: String, value: String)] = []
            for _ in 0..<configCount {
                let key = try reader.string()
                // A null value means "the default": the same as leaving the key out.
                if let value = try reader.nullableString() { configs.append((key, value)) }
            }
            topics.append(
                CreatableTopic(
                    name: name, numPartitions: partitions, replicationFactor: Int32(replicationFactor), configs: configs))
        }
        let timeoutMs = try reader.int32()
        let validateOnly = try reader.bool()
        return Request(
            create: CreateTopicsRequest(topics: topics, timeoutMs: timeoutMs), manuallyAssigned: manuallyAssigned,
            validateOnly: validateOnly)
    }

    /// The response body (v2–v4 share a layout).
    public static func responseBody(_ response: TopicResultsResponse, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.int32(0)  // throttle_time_ms
        writer.array(response.topics) { writer, topic in
            writer.string(topic.name)
            writer.int16(topic.errorCode.rawValue)
            writer.string(topic.errorCode == .none || topic.errorMessage.isEmpty ? nil : topic.errorMessage)
        }
        return writer.buffer
    }
}
