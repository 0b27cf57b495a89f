/// A set of key definitions and reserved prefixes, like Kafka's `ConfigDef`; parses raw key/value
/// pairs into validated ``ConfigValues``.
///
/// Parsing is strict, as design.md asks: an unknown key, a bad value or a missing required key is a
/// ``ConfigError`` naming the key, never a silent default.
public struct ConfigDefinition: Sendable {
    /// Every defined key, in documentation order.
    public let keys: [ConfigKey]
    /// Reserved prefixes whose keys are collected unvalidated.
    public let prefixes: [ConfigPrefix]
    private let keysByName: [String: ConfigKey]

    /// Builds a definition. Duplicate names, or a key under a reserved prefix, are bugs and trap.
    public init(keys: [ConfigKey], prefixes: [ConfigPrefix] = []) {
        var keysByName: [String: ConfigKey] = [:]
        for key in keys {
            precondition(keysByName[key.name] == nil, "key \(key.name) is defined twice")
            precondition(!prefixes.contains { key.name.hasPrefix($0.prefix) }, "key \(key.name) is under a prefix")
            keysByName[key.name] = key
        }
        self.keys = keys
        self.prefixes = prefixes
        self.keysByName = keysByName
    }

    /// The definition of `name`, or `nil` if no key has that name.
    public subscript(name: String) -> ConfigKey? {
        keysByName[name]
    }

    /// Parses `settings` (file entries, then overrides): for a key given more than once the last
    /// value wins. Keys are checked in the order they first appear, then required keys in
    /// definition order; the first problem is thrown.
    /// - Throws: ``ConfigError`` for an unknown key (with the nearest known key when one is close),
    ///   an invalid value, an empty name under a prefix, or a missing required key.
    public func parse(_ settings: [(key: String, value: String)]) throws(ConfigError) -> ConfigValues {
        var lastValues: [String: String] = [:]
        var order: [String] = []
        for setting in settings {
            if lastValues.updateValue(setting.value, forKey: setting.key) == nil {
                order.append(setting.key)
            }
        }
        var values: [String: ConfigValue] = [:]
        var prefixed: [String: String] = [:]
        for name in order {
            let raw = lastValues[name]!
            if let key = keysByName[name] {
                values[name] = try key.parse(raw)
            } else if let prefix = prefixes.first(where: { name.hasPrefix($0.prefix) }) {
                guard name.count > prefix.prefix.count else {
                    throw ConfigError(code: .invalidValue, key: name, value: raw, problem: "empty key after prefix")
                }
                prefixed[name] = raw
            } else {
                throw unknownKey(name, value: raw)
            }
        }
        let setNames = Set(values.keys)
        for key in keys where values[key.name] == nil {
            switch key.defaultValue {
            case .required:
                throw ConfigError(
                    code: .missingRequired, key: key.name, value: nil,
                    problem: "missing required configuration (expected \(key.expectation))")
            case .unset:
                break
            case .value(let value):
                values[key.name] = value
            }
        }
        return ConfigValues(definition: self, values: values, setNames: setNames, prefixed: prefixed)
    }

    private func unknownKey(_ name: String, value: String) -> ConfigError {
        var problem = "unknown configuration key"
        if let suggestion = nearestKeyName(to: name) {
            problem += " (did you mean \(suggestion)?)"
        }
        return ConfigError(code: .unknownKey, key: name, value: value, problem: problem)
    }

    /// The defined key closest to `name` by case-insensitive edit distance, if it is close enough to
    /// be a typo: at most 3 edits and at most a third of the name's length. Ties go to the earlier key.
    func nearestKeyName(to name: String) -> String? {
        let lowered = Array(name.lowercased().unicodeScalars)
        // Bound: keys longer than this are not typos of ours; skip the quadratic distance.
        guard lowered.count <= 256 else { return nil }
        let allowed = min(3, max(1, lowered.count / 3))
        var best: (name: String, distance: Int)?
        for key in keys {
            let distance = EditDistance.between(lowered, Array(key.name.lowercased().unicodeScalars))
            if distance <= allowed, distance < (best?.distance ?? Int.max) {
                best = (key.name, distance)
            }
        }
        return best?.name
    }
}
