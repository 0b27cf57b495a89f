import SluiceProducer
import SluiceWire

/// The JSON bodies the gateway sends, Confluent REST Proxy v2's shapes, written by hand so the field order is
/// fixed and nothing is allocated per field beyond the output string.
///
/// - 200: `{"offsets":[{"partition":2,"offset":17,"error_code":null,"error":null}, …],"key_schema_id":null,
///   "value_schema_id":null}`, one entry per record in request order. A record that failed for good has
///   `"partition":null,"offset":null`, `error_code` 50003 when Kafka calls the failure retriable (timeouts,
///   NOT_ENOUGH_REPLICAS, leader changes: trying again may succeed) or 50002 otherwise — Confluent's
///   `codeFromProducerException` — and `error` the producer's message, which starts with Kafka's error name
///   for broker errors (`NOT_ENOUGH_REPLICAS: …`).
/// - errors: `{"error_code":40401,"message":"Topic 'x' not found"}`.
enum GatewayResponse {
    /// Confluent's per-record code for a failure Kafka calls retriable.
    static let retriableKafkaErrorCode = 50003
    /// Confluent's per-record code for any other producer failure.
    static let kafkaErrorCode = 50002

    /// The 200 body for the records' outcomes, in record order.
    static func offsets(_ outcomes: [GatewayDeliveries.Outcome]) -> String {
        var out = "{\"offsets\":["
        out.reserveCapacity(16 + outcomes.count * 64)
        for (index, outcome) in outcomes.enumerated() {
            if index > 0 { out += "," }
            switch outcome {
            case .success(let metadata):
                out += "{\"partition\":\(metadata.partition),\"offset\":\(metadata.offset),"
                out += "\"error_code\":null,\"error\":null}"
            case .failure(let error):
                out += "{\"partition\":null,\"offset\":null,\"error_code\":\(errorCode(error)),\"error\":"
                // The gateway's producer is configured with gateway.* keys: its errors name those.
                appendString(error.description(keyPrefix: GatewayConfig.prefix), to: &out)
                out += "}"
            }
        }
        out += "],\"key_schema_id\":null,\"value_schema_id\":null}"
        return out
    }

    /// The body of a refused request.
    static func error(_ error: GatewayError) -> String {
        var out = "{\"error_code\":\(error.errorCode),\"message\":"
        appendString(error.message, to: &out)
        out += "}"
        return out
    }

    /// 50003 for failures Kafka's client classes as `RetriableException`, else 50002.
    static func errorCode(_ error: ProducerError) -> Int {
        switch error {
        case .broker(let code, _): code.isRetriable ? retriableKafkaErrorCode : kafkaErrorCode
        // Kafka: TimeoutException (delivery timeout, metadata wait) and BufferExhaustedException are retriable.
        case .deliveryTimeout, .bufferExhausted, .metadataUnavailable: retriableKafkaErrorCode
        case .recordTooLarge, .closed, .invalidPartition, .serialization: kafkaErrorCode
        }
    }

    /// Appends `text` as a JSON string literal (RFC 8259 escaping; non-ASCII passes through as UTF-8).
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
