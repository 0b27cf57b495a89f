/// Why the gateway refused a whole produce request: the HTTP status, Confluent REST Proxy's `error_code` and a
/// message naming the problem, sent as `{"error_code":…,"message":"…"}`.
///
/// Codes follow Confluent REST Proxy v2 (`io.confluent.kafkarest.Errors` and rest-utils' exception mappers):
/// 40401 topic not found, 40402 partition not found, 422 unprocessable entity (the generic code its JSON
/// mapping and constraint-violation mappers use), and the HTTP status itself as the code for 413, 415 and 500.
/// Per-record failures are not `GatewayError`s: they are entries in a 200 response (``GatewayResponse``).
struct GatewayError: Error, Sendable, Hashable {
    /// The HTTP status code; one of `GatewayMetrics.codes`.
    let status: Int
    /// Confluent's `error_code`.
    let errorCode: Int
    /// What is wrong, for a person.
    let message: String

    private init(status: Int, errorCode: Int, message: String) {
        precondition((400...599).contains(status), "a gateway error is a 4xx or 5xx, not \(status)")
        precondition(!message.isEmpty, "a gateway error says what is wrong")
        self.status = status
        self.errorCode = errorCode
        self.message = message
    }

    /// 422 / 422: the body is not valid JSON or not the `{"records":[…]}` shape, or a key or value is not
    /// valid for the embedded format (bad base64).
    static func unprocessable(_ message: String) -> GatewayError {
        GatewayError(status: 422, errorCode: 422, message: message)
    }

    /// 404 / 40401: the topic does not exist (topics are not auto-created by the gateway).
    static func topicNotFound(_ topic: String) -> GatewayError {
        GatewayError(status: 404, errorCode: 40401, message: "Topic '\(topic)' not found")
    }

    /// 404 / 40402: a record names a partition the topic does not have.
    static func partitionNotFound(topic: String, partition: Int64, partitionCount: Int32) -> GatewayError {
        GatewayError(
            status: 404, errorCode: 40402,
            message: "Partition \(partition) of topic '\(topic)' not found "
                + "(it has partitions 0 to \(partitionCount - 1))")
    }

    /// 413 / 413: the body is larger than `gateway.max.request.bytes`.
    static func tooLarge(limitBytes: Int, declaredBytes: Int?) -> GatewayError {
        let size = declaredBytes.map { "\($0) bytes" } ?? "more bytes"
        return GatewayError(
            status: 413, errorCode: 413,
            message: "Request body of \(size) is larger than gateway.max.request.bytes (\(limitBytes))")
    }

    /// 415 / 415: the `Content-Type` is not one of the two embedded formats the gateway speaks.
    static func unsupportedMediaType(_ contentType: String?) -> GatewayError {
        let given = contentType.map { "'\($0)'" } ?? "none"
        return GatewayError(
            status: 415, errorCode: 415,
            message: "Unsupported Content-Type \(given): use \(GatewayFormat.json.contentType) or "
                + "\(GatewayFormat.binary.contentType)")
    }

    /// 500 / 50002: the broker's metadata could not be read (Confluent's catch-all Kafka error code).
    static func metadataUnavailable(topic: String, reason: String) -> GatewayError {
        GatewayError(status: 500, errorCode: 50002, message: "Kafka error: no metadata for topic '\(topic)': \(reason)")
    }

    /// 500 / 500: the gateway itself failed (a bug or an I/O error reading the request).
    static func internalError(_ message: String) -> GatewayError {
        GatewayError(status: 500, errorCode: 500, message: message)
    }
}
