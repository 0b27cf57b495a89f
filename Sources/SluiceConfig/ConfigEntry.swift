/// One broker configuration key as the broker runs with it, for Kafka's DescribeConfigs: its value as a
/// `.properties` file would write it, whether it came from the file (or an override) or is the default, its type
/// and documentation.
public struct ConfigEntry: Sendable, Hashable {
    public let name: String
    /// nil: no value (an unset optional key), or a password (never shown).
    public let value: String?
    /// Whether the configuration file or an override set it (Kafka's STATIC_BROKER_CONFIG), else the default.
    public let isSet: Bool
    public let type: ConfigType
    public let isSensitive: Bool
    public let documentation: String

    public init(name: String, value: String?, isSet: Bool, type: ConfigType, isSensitive: Bool, documentation: String) {
        self.name = name
        self.value = value
        self.isSet = isSet
        self.type = type
        self.isSensitive = isSensitive
        self.documentation = documentation
    }

    /// Every key of `values`' definition, in definition order.
    static func entries(of values: ConfigValues) -> [ConfigEntry] {
        values.definition.keys.map { key in
            let value = values[key.name]
            let isSensitive = key.type == .password
            return ConfigEntry(
                name: key.name, value: isSensitive ? nil : value?.description, isSet: values.isSet(key.name),
                type: key.type, isSensitive: isSensitive, documentation: key.documentation)
        }
    }
}
