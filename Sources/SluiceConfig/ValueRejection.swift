/// Why a single raw value was refused, before the key and expectation are attached.
/// Internal: it becomes a ``ConfigError`` in ``ConfigKey/parse(_:)``.
struct ValueRejection: Error, Sendable, Equatable {
    /// A short lower-case phrase: `not a number`, `port 70000 is out of range 0-65535`.
    let reason: String

    init(_ reason: String) {
        assert(!reason.isEmpty, "a rejection says why")
        self.reason = reason
    }

    /// Runs a pure parse for a custom validator: `nil` when it succeeds, else the reason.
    static func reason<Parsed>(of parse: () throws(ValueRejection) -> Parsed) -> String? {
        do throws(ValueRejection) {
            _ = try parse()
            return nil
        } catch {
            return error.reason
        }
    }

    /// Re-runs a parse whose validator already passed; a failure now is a bug and traps.
    static func revalidated<Parsed>(_ name: String, _ parse: () throws(ValueRejection) -> Parsed) -> Parsed {
        do throws(ValueRejection) {
            return try parse()
        } catch {
            preconditionFailure("\(name) passed its validator but does not parse: \(error.reason)")
        }
    }
}
