extension ConfigType {
    /// Parses one raw value the way Kafka's `ConfigDef.parseType` does: trim (every character up to
    /// U+0020, as `String.trim()`), then convert. Pure; throws only the reason, without the key.
    func parse(_ raw: String) throws(ValueRejection) -> ConfigValue {
        let trimmed = Self.kafkaTrimmed(raw)
        switch self {
        case .int:
            return .int(Int(try Self.parseInteger(trimmed, as: Int32.self)))
        case .long:
            return .long(try Self.parseInteger(trimmed, as: Int64.self))
        case .double:
            guard let number = Double(trimmed) else { throw ValueRejection("not a number") }
            guard number.isFinite else { throw ValueRejection("not a finite number") }
            return .double(number)
        case .boolean:
            switch trimmed.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw ValueRejection("not a boolean")
            }
        case .string:
            return .string(trimmed)
        case .password:
            return .password(trimmed)
        case .list:
            return .list(try Self.parseList(trimmed))
        }
    }

    /// `Integer.parseInt` / `Long.parseLong`: optional sign, decimal digits. A well-formed number
    /// that does not fit is "out of range", anything else "not a number".
    private static func parseInteger<Integer: FixedWidthInteger>(
        _ text: String, as type: Integer.Type
    ) throws(ValueRejection) -> Integer {
        if let value = Integer(text, radix: 10) {
            return value
        }
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        let isWellFormed = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
        throw ValueRejection(isWellFormed ? "out of range" : "not a number")
    }

    /// Kafka splits on commas with surrounding whitespace; an empty text is an empty list. Unlike
    /// Kafka, an empty element (`a,,b` or a trailing comma) is refused: it is always a typo.
    private static func parseList(_ text: String) throws(ValueRejection) -> [String] {
        guard !text.isEmpty else { return [] }
        let elements = text.split(separator: ",", omittingEmptySubsequences: false).map {
            kafkaTrimmed(String($0))
        }
        guard !elements.contains(where: \.isEmpty) else {
            throw ValueRejection("empty list element")
        }
        return elements
    }

    /// Java's `String.trim()`: drops every leading and trailing character at or below U+0020.
    static func kafkaTrimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }) else { return "" }
        let last = scalars.lastIndex(where: { $0.value > 0x20 })!
        return String(scalars[first...last])
    }
}
