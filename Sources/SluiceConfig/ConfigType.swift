/// The type of a configuration key, as Kafka's `ConfigDef.Type` defines them. Durations are `long`
/// keys whose names end in `.ms`; sizes are plain integers (`1073741824`), never `1GiB`.
public enum ConfigType: String, Sendable, Hashable, CaseIterable {
    /// 32-bit signed integer (`Integer.parseInt`), held as `Int`.
    case int
    /// 64-bit signed integer (`Long.parseLong`), held as `Int64`.
    case long
    /// Finite floating-point number.
    case double
    /// `true` or `false`, case-insensitive.
    case boolean
    /// Any text (trimmed, as Kafka trims).
    case string
    /// Comma-separated values, each trimmed; an empty value is an empty list.
    case list
    /// Text that is never shown back: errors and help print `[hidden]`.
    case password

    /// What any value of this type looks like, used when the key has no validator:
    /// `an integer in [-2147483648, 2147483647]`.
    public var expectation: String {
        switch self {
        case .int: return "an integer in [\(Int32.min), \(Int32.max)]"
        case .long: return "an integer in [\(Int64.min), \(Int64.max)]"
        case .double: return "a finite number"
        case .boolean: return "true or false"
        case .string: return "a string"
        case .list: return "a comma-separated list"
        case .password: return "a string"
        }
    }

    /// The smallest and largest integer this type holds; `nil` for non-integer types.
    var integerBounds: ClosedRange<Int64>? {
        switch self {
        case .int: return Int64(Int32.min)...Int64(Int32.max)
        case .long: return Int64.min...Int64.max
        case .double, .boolean, .string, .list, .password: return nil
        }
    }
}
