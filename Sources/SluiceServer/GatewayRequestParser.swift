import Foundation

/// Turns a gateway request body, Confluent REST Proxy v2's `{"records":[{"key":…,"value":…,"partition":N}, …]}`,
/// into ``GatewayRecord``s for the embedded format. Pure; every problem is a 422 naming the record and field.
///
/// - JSON format: a key or value is any JSON value, stored as its JSON text exactly as sent with insignificant
///   white space removed (`{"id": 1}` → `{"id":1}`, `"plain"` → `"plain"` with its quotes); `null` is a null.
/// - Binary format: a key or value is a base64 string (RFC 4648 alphabet; padding optional, as Java's decoder
///   that Confluent uses accepts) or `null`.
/// - Top-level `key_schema`, `value_schema`, `key_schema_id`, `value_schema_id` (Confluent's schema-format
///   fields) are accepted and ignored; any other unknown field is refused, so a typo does not drop data.
enum GatewayRequestParser {
    /// Parses `body` for `format`. At least one record is required (Confluent: "records may not be empty").
    static func parse(_ body: [UInt8], format: GatewayFormat) throws(GatewayError) -> [GatewayRecord] {
        guard !body.isEmpty else { throw .unprocessable("Request body is empty: expected {\"records\":[...]}") }
        guard String(validating: body, as: UTF8.self) != nil else {
            throw .unprocessable("Request body is not valid UTF-8 JSON")
        }
        var scanner = GatewayJSONScanner(body)
        guard scanner.peekValueStart() == UInt8(ascii: "{") else {
            throw .unprocessable("Request body must be a JSON object: {\"records\":[...]}")
        }
        var records: [GatewayRecord]?
        try scanner.readObject { scanner, name throws(GatewayError) in
            switch name {
            case "records":
                guard records == nil else { throw .unprocessable("Field 'records' appears twice") }
                records = try readRecords(&scanner, format: format)
            case "key_schema", "value_schema", "key_schema_id", "value_schema_id":
                _ = try scanner.skipValue()
            default:
                throw .unprocessable("Unknown field '\(name)' in the request (expected 'records')")
            }
        }
        try scanner.expectEnd()
        guard let records else { throw .unprocessable("Field 'records' is missing: expected {\"records\":[...]}") }
        guard !records.isEmpty else { throw .unprocessable("Field 'records' may not be empty") }
        return records
    }

    private static func readRecords(
        _ scanner: inout GatewayJSONScanner, format: GatewayFormat
    ) throws(GatewayError) -> [GatewayRecord] {
        guard scanner.peekValueStart() == UInt8(ascii: "[") else {
            throw .unprocessable("Field 'records' must be an array of record objects")
        }
        var records: [GatewayRecord] = []
        try scanner.readArray { scanner, index throws(GatewayError) in
            records.append(try readRecord(&scanner, index: index, format: format))
        }
        return records
    }

    private static func readRecord(
        _ scanner: inout GatewayJSONScanner, index: Int, format: GatewayFormat
    ) throws(GatewayError) -> GatewayRecord {
        guard scanner.peekValueStart() == UInt8(ascii: "{") else {
            throw .unprocessable("Record \(index) must be a JSON object with key, value and partition")
        }
        var record = GatewayRecord()
        var seen: Set<String> = []
        try scanner.readObject { scanner, name throws(GatewayError) in
            guard seen.insert(name).inserted else {
                throw .unprocessable("Field '\(name)' appears twice in record \(index)")
            }
            switch name {
            case "key": record.key = try readData(&scanner, field: "key", index: index, format: format)
            case "value": record.value = try readData(&scanner, field: "value", index: index, format: format)
            case "partition": record.partition = try readPartition(&scanner, index: index)
            default:
                throw .unprocessable("Unknown field '\(name)' in record \(index) (expected key, value, partition)")
            }
        }
        return record
    }

    /// A key or value: nil for `null`; otherwise the JSON text (JSON format) or the decoded base64 (binary).
    private static func readData(
        _ scanner: inout GatewayJSONScanner, field: String, index: Int, format: GatewayFormat
    ) throws(GatewayError) -> [UInt8]? {
        let start = scanner.peekValueStart()
        if start == UInt8(ascii: "n") {
            try scanner.readNull()
            return nil
        }
        switch format {
        case .json:
            let range = try scanner.skipValue()
            return minified(scanner.bytes[range])
        case .binary:
            guard start == UInt8(ascii: "\"") else {
                throw .unprocessable("Record \(index) \(field) must be a base64 string or null")
            }
            let text = try scanner.readString()
            guard let bytes = decodeBase64(text) else {
                throw .unprocessable("Record \(index) \(field) contains invalid base64 encoding")
            }
            return bytes
        }
    }

    /// `partition`: a JSON integer or `null`. A fraction, exponent or non-number is a 422.
    private static func readPartition(_ scanner: inout GatewayJSONScanner, index: Int) throws(GatewayError) -> Int64? {
        let start = scanner.peekValueStart()
        if start == UInt8(ascii: "n") {
            try scanner.readNull()
            return nil
        }
        guard start == UInt8(ascii: "-") || (start.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false)
        else { throw .unprocessable("Record \(index) partition must be an integer or null") }
        let text = try scanner.readNumberText()
        guard let partition = Int64(text) else {
            throw .unprocessable("Record \(index) partition must be an integer, not \(text)")
        }
        return partition
    }

    /// The JSON text of one value without insignificant white space (outside strings). Returns the bytes
    /// unchanged when there is none, which is the common case for machine-written JSON.
    static func minified(_ text: ArraySlice<UInt8>) -> [UInt8] {
        guard text.contains(where: GatewayJSONScanner.isWhitespace) else { return Array(text) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var inString = false
        var escaped = false
        for byte in text {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                out.append(byte)
            } else if !GatewayJSONScanner.isWhitespace(byte) {
                inString = byte == UInt8(ascii: "\"")
                out.append(byte)
            }
        }
        assert(!inString, "minified a value with an unterminated string (the scanner validated it)")
        return out
    }

    /// RFC 4648 base64 (standard alphabet). Padding may be omitted, as `java.util.Base64.getDecoder()` allows;
    /// white space and the URL-safe alphabet are refused, as it refuses them.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        var padded = text
        switch text.utf8.count % 4 {
        case 0: break
        case 2: padded += "=="
        case 3: padded += "="
        default: return nil
        }
        return Data(base64Encoded: padded).map { Array($0) }
    }
}
