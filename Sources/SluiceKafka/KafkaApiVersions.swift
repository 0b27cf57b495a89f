import NIOCore
import SluiceWire

/// ApiVersions (key 18), v0–v3: the versions of every API Sluice serves. An unsupported version gets the v0
/// layout with UNSUPPORTED_VERSION and the list, so a client can retry with one that is (KIP-511).
public enum KafkaApiVersions {
    /// The response body for a request at `version`.
    public static func responseBody(version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        let apis = KafkaApiKey.allCases.sorted { $0.rawValue < $1.rawValue }
        guard KafkaApiKey.apiVersions.servedVersions.contains(version) else {
            writer.int16(ErrorCode.unsupportedVersion.rawValue)
            writer.array(apis) { writeRange(&$0, $1) }
            return writer.buffer
        }
        writer.int16(ErrorCode.none.rawValue)
        if version >= 3 {
            writer.compactArray(apis) {
                writeRange(&$0, $1)
                $0.noTaggedFields()
            }
        } else {
            writer.array(apis) { writeRange(&$0, $1) }
        }
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        if version >= 3 { writer.noTaggedFields() }
        return writer.buffer
    }

    private static func writeRange(_ writer: inout KafkaWriter, _ api: KafkaApiKey) {
        writer.int16(api.rawValue)
        writer.int16(api.advertisedVersions.lowerBound)
        writer.int16(api.advertisedVersions.upperBound)
    }
}
