import NIOCore
import SluiceWire

/// FindCoordinator (key 10), v0–v2: which broker coordinates a group (key type 0). Transaction coordinators
/// (key type 1) do not exist in Sluice: answered COORDINATOR_NOT_AVAILABLE.
public enum KafkaFindCoordinator {
    public struct Request: Sendable, Equatable {
        public var key: String
        /// 0 group, 1 transaction (v1+).
        public var keyType: Int8

        public init(key: String, keyType: Int8) {
            self.key = key
            self.keyType = keyType
        }
    }

    public struct Response: Sendable {
        public var errorCode: ErrorCode
        public var errorMessage: String?
        public var nodeId: Int32
        public var host: String
        public var port: Int32

        public init(errorCode: ErrorCode, errorMessage: String?, nodeId: Int32 = -1, host: String = "", port: Int32 = -1) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.nodeId = nodeId
            self.host = host
            self.port = port
        }
    }

    public static func decodeRequest(_ reader: inout KafkaReader, version: Int16) throws(KafkaProtocolError) -> Request {
        Request(key: try reader.string(), keyType: version >= 1 ? try reader.int8() : 0)
    }

    public static func responseBody(_ response: Response, version: Int16) -> ByteBuffer {
        var writer = KafkaWriter(capacity: 64)
        if version >= 1 { writer.int32(0) }  // throttle_time_ms
        writer.int16(response.errorCode.rawValue)
        if version >= 1 { writer.string(response.errorCode == .none ? nil : response.errorMessage) }
        writer.int32(response.nodeId)
        writer.string(response.host)
        writer.int32(response.port)
        return writer.buffer
    }
}
