import SluiceConfig

/// Parses `text` with `overrides` and returns the error, or `nil` when parsing succeeds.
func brokerConfigError(_ text: String, overrides: [String] = []) -> ConfigError? {
    do throws(ConfigError) {
        _ = try BrokerConfig.parse(fileContents: text, overrides: overrides)
        return nil
    } catch {
        return error
    }
}

/// Parses a one-key configuration `key=value` and returns the error, or `nil`.
func brokerConfigError(key: String, value: String) -> ConfigError? {
    brokerConfigError("\(key)=\(value)\n")
}

/// The configuration with only `overrides` set.
func brokerConfig(_ overrides: String...) throws -> BrokerConfig {
    try BrokerConfig.parse(fileContents: "", overrides: overrides)
}

/// The entries of `text` as (key, value) pairs, for compact expectations.
func pairs(_ text: String) throws -> [[String]] {
    try Properties(parsing: text).entries.map { [$0.key, $0.value] }
}
