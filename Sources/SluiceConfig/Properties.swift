/// A parsed Java `.properties` text, faithful to `java.util.Properties.load`: `key=value`,
/// `key: value` and `key value`; `#` and `!` comments; blank lines; leading whitespace dropped;
/// line continuation by a trailing backslash; escapes `\t` `\n` `\r` `\f` `\uXXXX` (surrogate pairs
/// combine) and `\x` → `x` for any other `x`.
///
/// Differences, on purpose: the text is UTF-8 (Java's `load(InputStream)` reads ISO-8859-1), and
/// a value's trailing unescaped whitespace is removed (Kafka trims values anyway).
public struct Properties: Sendable {
    /// One entry per key, in the order keys first appear; for a key given twice the last value and
    /// its line win, as with Java's `Properties` (a hash table).
    public let entries: [PropertiesEntry]
    /// Keys given on more than one line, with every line that set them (1-based, in order), so that a start-up
    /// warning can point at each; the value of the last one is the key's entry.
    public let repeatedKeyLines: [String: [Int]]

    /// Parses `text`. A leading byte-order mark is ignored.
    /// - Throws: ``ConfigError`` with code ``ConfigError/Code/malformedFile`` and key `--config` for
    ///   a malformed `\uXXXX` escape, naming the line.
    public init(parsing text: String) throws(ConfigError) {
        let body = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        var entries: [PropertiesEntry] = []
        var positions: [String: Int] = [:]
        var repeated: [String: [Int]] = [:]
        for logical in PropertiesLogicalLine.split(body) {
            let entry = try Self.entry(logical)
            if let position = positions[entry.key] {
                repeated[entry.key, default: [entries[position].line]].append(entry.line)
                entries[position] = entry
            } else {
                positions[entry.key] = entries.count
                entries.append(entry)
            }
        }
        assert(positions.count == entries.count, "one entry per key")
        self.entries = entries
        self.repeatedKeyLines = repeated
    }

    /// The value of `key`, or `nil` if the text does not set it.
    public subscript(key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    /// Splits a logical line into key and value as `Properties.load0` does: the key ends at the
    /// first unescaped `=`, `:` or whitespace; then whitespace and at most one `=` or `:` are
    /// skipped.
    private static func entry(_ logical: PropertiesLogicalLine) throws(ConfigError) -> PropertiesEntry {
        let scalars = logical.scalars
        var keyEnd = 0
        var valueStart = scalars.count
        var hasSeparator = false
        var precedingBackslash = false
        while keyEnd < scalars.count {
            let scalar = scalars[keyEnd]
            if !precedingBackslash, scalar == "=" || scalar == ":" || PropertiesLogicalLine.isWhitespace(scalar) {
                hasSeparator = scalar == "=" || scalar == ":"
                valueStart = keyEnd + 1
                break
            }
            precedingBackslash = scalar == "\\" ? !precedingBackslash : false
            keyEnd += 1
        }
        while valueStart < scalars.count {
            let scalar = scalars[valueStart]
            if PropertiesLogicalLine.isWhitespace(scalar) {
                valueStart += 1
            } else if !hasSeparator, scalar == "=" || scalar == ":" {
                hasSeparator = true
                valueStart += 1
            } else {
                break
            }
        }
        let key = try PropertiesUnescaper.unescape(scalars[0..<keyEnd], line: logical.line)
        let value = try PropertiesUnescaper.unescape(scalars[valueStart...], line: logical.line)
        return PropertiesEntry(key: key, value: value, line: logical.line)
    }
}
