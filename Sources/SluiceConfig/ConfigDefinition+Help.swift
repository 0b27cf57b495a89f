extension ConfigDefinition {
    /// Plain-text reference of every key and prefix, for `sluiced --help-config`: for each key its
    /// name, documentation, type, default, allowed values and importance, in definition order.
    public func helpText() -> String {
        var lines: [String] = []
        for key in keys {
            lines.append(key.name)
            lines.append("    \(key.documentation)")
            lines.append(
                "    Type: \(key.type.rawValue); Default: \(key.defaultValue); "
                    + "Valid values: \(key.expectation); Importance: \(key.importance.rawValue)")
            lines.append("")
        }
        for prefix in prefixes {
            lines.append("\(prefix.prefix)*")
            lines.append("    \(prefix.documentation)")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
