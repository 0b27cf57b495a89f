import NIOCore
import SluiceWire

/// DeleteTopics (key 20), v1–v3, non-flexible: topic names, answered per topic.
public enum KafkaDeleteTopics {
    /// Reads a request body of `version` (1–3) as the native request.
    public static func decodeRequest(
        _ reader: inout KafkaReader, version: Int16
    ) throws(KafkaProtocolError) -> DeleteTopicsRequest {
        precondition(KafkaApiKey.deleteTopics.servedVersions.contains(version), "DeleteTopics v\(version) is not served")
        let count = try reader.arrayLength(minimumElementBytes: 2) ?? 0
        var names: [String] = []
        names.reserveCapacity(count)
        for _ in 0..<count { names.append(try reader.string()) }
        return DeleteTopicsRequest(topics: names, timeoutMs: try reader.int32())
    }

    /// The response body (v1–v3 share a layout: no error message before v5).
    public static func responseBody(_ response: TopicResultsResponse, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.int32(0)  // throttle_time_ms
        writer.array(response.topics) { writer, topic in
            writer.string(topic.name)
            writer.int16(topic.errorCode.rawValue)
        }
        return writer.buffer
    }
}
