/// One configuration key's definition, like Kafka's `ConfigDef.ConfigKey`: name, type, default,
/// validator, importance and documentation.
public struct ConfigKey: Sendable {
    /// The key as written in `.properties` files, Kafka's name where the concept is Kafka's.
    public let name: String
    /// How the raw text is parsed.
    public let type: ConfigType
    /// The value when not set, or ``ConfigDefault/required`` / ``ConfigDefault/unset``.
    public let defaultValue: ConfigDefault
    /// The rule beyond the type, if any.
    public let validator: ConfigValidator?
    /// How much an operator should care.
    public let importance: ConfigImportance
    /// What the key does, its unit, and how Sluice differs from Kafka if it does.
    public let documentation: String

    /// Defines a key. A default that does not satisfy the key's own type and validator is a bug and
    /// traps, as Kafka's `ConfigDef.define` throws at definition time.
    public init(
        _ name: String,
        type: ConfigType,
        defaultValue: ConfigDefault,
        validator: ConfigValidator? = nil,
        importance: ConfigImportance,
        documentation: String
    ) {
        precondition(!name.isEmpty, "a key has a name")
        precondition(!documentation.isEmpty, "key \(name) is documented")
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.validator = validator
        self.importance = importance
        self.documentation = documentation
        if case .value(let value) = defaultValue {
            precondition(value.type == type, "default of \(name) is \(value.type), not \(type)")
            precondition(validator?.rejection(value) == nil, "default of \(name) fails its validator")
        }
    }

    /// What the key allows, as printed after "expected": the validator's phrase, else the type's.
    public var expectation: String {
        validator?.expectation(type) ?? type.expectation
    }

    /// Parses and validates one raw value for this key.
    /// - Throws: ``ConfigError`` with code ``ConfigError/Code/invalidValue``, naming the key, the
    ///   value (hidden for passwords) and `reason (expected …)`.
    public func parse(_ raw: String) throws(ConfigError) -> ConfigValue {
        let value: ConfigValue
        do throws(ValueRejection) {
            value = try type.parse(raw)
        } catch {
            throw invalid(raw, reason: error.reason)
        }
        if let reason = validator?.rejection(value) {
            throw invalid(raw, reason: reason)
        }
        assert(value.type == type, "parsed \(name) into \(value.type)")
        return value
    }

    private func invalid(_ raw: String, reason: String) -> ConfigError {
        let shown = type == .password ? "[hidden]" : raw
        return ConfigError(code: .invalidValue, key: name, value: shown, problem: "\(reason) (expected \(expectation))")
    }
}
