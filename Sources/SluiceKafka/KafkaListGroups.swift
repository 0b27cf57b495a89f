import NIOCore
import SluiceWire

/// ListGroups (key 16), v0–v2: the groups this broker coordinates (an empty request body).
public enum KafkaListGroups {
    public static func responseBody(_ groups: [(groupId: String, protocolType: String)], version: Int16) -> ByteBuffer {
        var writer = KafkaWriter()
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        writer.int16(ErrorCode.none.rawValue)
        writer.array(groups) { writer, group in
            writer.string(group.groupId)
            writer.string(group.protocolType)
        }
        return writer.buffer
    }
}
