/// The embedded format of a gateway produce request, chosen by its `Content-Type` (Confluent REST Proxy v2).
enum GatewayFormat: Sendable, Hashable {
    /// `application/vnd.kafka.json.v2+json`: keys and values are JSON values, stored as their JSON text
    /// (the string `"plain"` is stored with its quotes, as Confluent's JSON embedded format does).
    case json
    /// `application/vnd.kafka.binary.v2+json`: keys and values are base64 strings, stored as the decoded bytes.
    case binary

    /// The media type a client sends for this format.
    var contentType: String {
        switch self {
        case .json: "application/vnd.kafka.json.v2+json"
        case .binary: "application/vnd.kafka.binary.v2+json"
        }
    }

    /// The format named by a `Content-Type` header value; parameters (`; charset=utf-8`) are ignored and the
    /// media type compares case-insensitively (RFC 9110). Throws 415 for anything else, or no header. Pure.
    init(contentType header: String?) throws(GatewayError) {
        guard let header else { throw .unsupportedMediaType(nil) }
        // A media type has no white space inside, so dropping all of it trims the optional white space around.
        let mediaType = String(header.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }).lowercased()
        switch mediaType {
        case GatewayFormat.json.contentType: self = .json
        case GatewayFormat.binary.contentType: self = .binary
        default: throw .unsupportedMediaType(header)
        }
    }
}
