/// The validated result of ``ConfigDefinition/parse(_:)``, like Kafka's `AbstractConfig`: every key
/// that is set or has a default, plus the raw keys under reserved prefixes.
///
/// The typed accessors take a key name; asking for an undefined key or with the wrong type is a
/// bug and traps.
public struct ConfigValues: Sendable {
    /// The definition these values were parsed with.
    public let definition: ConfigDefinition
    /// Values by key: those set, plus defaults. An ``ConfigDefault/unset`` key that was not set is
    /// absent.
    public let values: [String: ConfigValue]
    /// The keys that the settings set explicitly (not by default).
    public let setNames: Set<String>
    /// Raw values of keys under reserved prefixes, by full key (`gateway.linger.ms`).
    public let prefixed: [String: String]

    /// The value of `name`, or `nil` when it is unset. Traps if `name` is not defined.
    public subscript(name: String) -> ConfigValue? {
        precondition(definition[name] != nil, "configuration key \(name) is not defined")
        return values[name]
    }

    /// Whether the settings gave `name` explicitly.
    public func isSet(_ name: String) -> Bool {
        setNames.contains(name)
    }

    /// Keys under `prefix` with the prefix removed (`gateway.acks` → `acks`), as Kafka's
    /// `originalsWithPrefix(prefix)` returns them. `prefix` must be a reserved prefix.
    public func withPrefix(_ prefix: String) -> [String: String] {
        precondition(definition.prefixes.contains { $0.prefix == prefix }, "prefix \(prefix) is not reserved")
        var stripped: [String: String] = [:]
        for (name, value) in prefixed where name.hasPrefix(prefix) {
            stripped[String(name.dropFirst(prefix.count))] = value
        }
        return stripped
    }
}
