/// One key and its value from a `.properties` text, with the line it started on (1-based) so that
/// tools can point at it.
public struct PropertiesEntry: Sendable, Hashable {
    /// The key, escapes resolved.
    public let key: String
    /// The value, escapes resolved, unescaped trailing whitespace removed.
    public let value: String
    /// The 1-based line on which the entry's logical line starts.
    public let line: Int

    /// Creates an entry.
    public init(key: String, value: String, line: Int) {
        precondition(line >= 1, "lines count from 1")
        self.key = key
        self.value = value
        self.line = line
    }
}
