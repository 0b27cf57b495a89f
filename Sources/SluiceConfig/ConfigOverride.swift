/// One `--override key=value` command-line argument, as Kafka's `kafka-server-start --override`
/// takes it: split at the first `=`; the key is trimmed, the value is raw (the key's type trims it).
struct ConfigOverride: Equatable {
    let key: String
    let value: String

    /// Parses `argument`.
    /// - Throws: ``ConfigError/Code/malformedOverride`` with key `--override` and the argument as
    ///   value when there is no `=` or the key is empty.
    init(parsing argument: String) throws(ConfigError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw ConfigError(
                code: .malformedOverride, key: "--override", value: argument,
                problem: "missing '=' (expected key=value)")
        }
        let key = ConfigType.kafkaTrimmed(String(argument[..<equals]))
        guard !key.isEmpty else {
            throw ConfigError(
                code: .malformedOverride, key: "--override", value: argument, problem: "empty key (expected key=value)")
        }
        self.key = key
        self.value = String(argument[argument.index(after: equals)...])
    }
}
