/// A parsed, typed configuration value. The case always matches the key's ``ConfigType``.
public enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
    /// An `int` key's value, within `Int32`'s range.
    case int(Int)
    /// A `long` key's value.
    case long(Int64)
    /// A `double` key's value, finite.
    case double(Double)
    /// A `boolean` key's value.
    case boolean(Bool)
    /// A `string` key's value, trimmed.
    case string(String)
    /// A `list` key's values, each trimmed and non-empty.
    case list([String])
    /// A `password` key's value; ``description`` hides it.
    case password(String)

    /// The value as it would be written in a `.properties` file (lists joined with `,`);
    /// a password prints as `[hidden]`.
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .long(let value): return String(value)
        case .double(let value): return String(value)
        case .boolean(let value): return String(value)
        case .string(let value): return value
        case .list(let values): return values.joined(separator: ",")
        case .password: return "[hidden]"
        }
    }

    /// The type this value belongs to.
    public var type: ConfigType {
        switch self {
        case .int: return .int
        case .long: return .long
        case .double: return .double
        case .boolean: return .boolean
        case .string: return .string
        case .list: return .list
        case .password: return .password
        }
    }

    /// The value of an `int` or `long`, widened; `nil` for other types.
    var integerValue: Int64? {
        switch self {
        case .int(let value): return Int64(value)
        case .long(let value): return value
        case .double, .boolean, .string, .list, .password: return nil
        }
    }
}
