/// What a key is worth when the configuration does not set it.
public enum ConfigDefault: Sendable, Hashable, CustomStringConvertible {
    /// The key must be set; leaving it out is a "missing required configuration" error.
    case required
    /// The key is optional and has no value when not set (Kafka's `null` default), for example
    /// `log.retention.ms`, whose absence defers to `log.retention.minutes` and `log.retention.hours`.
    case unset
    /// The key takes this value when not set.
    case value(ConfigValue)

    /// `required`, `unset`, or the default as written in a `.properties` file.
    public var description: String {
        switch self {
        case .required: return "required"
        case .unset: return "unset"
        case .value(let value): return value.description
        }
    }
}
