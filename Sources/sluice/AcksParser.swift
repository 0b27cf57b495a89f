import ArgumentParser

/// Parses `acks` as Kafka spells it: `0`, `1`, `all` or `-1`.
enum AcksParser {
    /// The wire value (0, 1 or -1).
    static func parse(_ text: String, option: String = "--acks") throws -> Int16 {
        switch text.lowercased() {
        case "0": return 0
        case "1": return 1
        case "all", "-1": return -1
        default: throw ValidationError("\(option) must be 0, 1, all or -1, not '\(text)'")
        }
    }
}
