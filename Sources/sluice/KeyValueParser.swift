import ArgumentParser

/// Parses `key=value` options (`--config`, `--producer-props`); the value may itself contain `=`.
enum KeyValueParser {
    /// The pairs in order; an element without `=` or with an empty key is a validation error naming the option.
    static func parse(_ pairs: [String], option: String) throws -> [(key: String, value: String)] {
        try pairs.map { pair in
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("\(option) expects key=value, got '\(pair)'")
            }
            return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
    }
}
