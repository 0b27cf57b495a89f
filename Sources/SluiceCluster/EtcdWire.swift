import Foundation

/// The etcd v3 JSON gateway's messages (etcd 3.4), as far as the etcd store reads them. The gateway omits
/// zero-value fields (so everything is optional), writes int64 fields as strings and keys/values as base64.
enum EtcdWire {
    struct Header: Decodable {
        var revision: String?
    }

    struct KeyValue: Decodable {
        var key: String?
        var createRevision: String?
        var modRevision: String?
        var value: String?
        var lease: String?

        /// The key as text (keys are ours: UTF-8).
        var keyText: String { EtcdWire.decodeText(key) ?? "" }
        var valueData: Data { value.flatMap { Data(base64Encoded: $0) } ?? Data() }
        var createRevisionValue: Int64 { Int64(createRevision ?? "") ?? 0 }
        var modRevisionValue: Int64 { Int64(modRevision ?? "") ?? 0 }
        var leaseValue: Int64 { Int64(lease ?? "") ?? 0 }
    }

    struct RangeResponse: Decodable {
        var header: Header?
        var kvs: [KeyValue]?
    }

    struct ResponseOp: Decodable {
        var responseRange: RangeResponse?
    }

    struct TxnResponse: Decodable {
        var header: Header?
        /// Omitted when false.
        var succeeded: Bool?
        var responses: [ResponseOp]?

        /// The key-values of every range in the reply, in order.
        var rangedKeyValues: [KeyValue] { (responses ?? []).flatMap { $0.responseRange?.kvs ?? [] } }
    }

    struct LeaseGrantResponse: Decodable {
        var id: String?
        var ttl: String?
        var error: String?

        enum CodingKeys: String, CodingKey {
            case id = "ID", ttl = "TTL", error
        }
    }

    struct LeaseKeepAliveResponse: Decodable {
        var id: String?
        /// Absent (0) when the lease is gone.
        var ttl: String?

        enum CodingKeys: String, CodingKey {
            case id = "ID", ttl = "TTL"
        }
    }

    /// One message of a gateway stream (`/v3/lease/keepalive`, `/v3/watch`): a result or an error.
    struct StreamMessage<Result: Decodable>: Decodable {
        var result: Result?
        var error: ErrorReply?
    }

    struct Event: Decodable {
        /// Absent for PUT; "DELETE" for a delete.
        var type: String?
        var kv: KeyValue?
    }

    struct WatchResponse: Decodable {
        var header: Header?
        var created: Bool?
        var canceled: Bool?
        var compactRevision: String?
        var events: [Event]?
    }

    struct ErrorReply: Decodable {
        var error: String?
        var message: String?
        var code: Int?

        var text: String { message ?? error ?? "unknown error" }
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    static func encode(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func encode(_ data: Data) -> String { data.base64EncodedString() }

    static func decodeText(_ base64: String?) -> String? {
        guard let base64, let data = Data(base64Encoded: base64) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// The end of the range of every key starting with `prefix` (etcd's `range_end`): the prefix with its last
    /// byte incremented.
    static func prefixEnd(_ prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        precondition(!bytes.isEmpty && bytes.last! < 0xFF, "prefixes end in a printable byte")
        bytes[bytes.count - 1] += 1
        return Data(bytes).base64EncodedString()
    }

    /// A JSON body from plain dictionaries, arrays, strings, numbers and booleans.
    static func body(_ object: [String: Any]) -> Data {
        do { return try JSONSerialization.data(withJSONObject: object) } catch {
            preconditionFailure("request bodies are plain JSON: \(error)")
        }
    }
}
