/// A check on a parsed value beyond its type, like Kafka's `ConfigDef.Validator` (`Range.atLeast`,
/// `ValidString.in`, `NonEmptyString`, or a custom one).
///
/// A validator knows how to say what it allows (the text after "expected" in an error and in
/// `--help-config`) and how to say why a value fails.
public struct ConfigValidator: Sendable {
    /// Phrase for what is allowed, given the key's type: `an integer in [14, 2147483647]`.
    let expectation: @Sendable (ConfigType) -> String
    /// Why the value fails (`out of range`), or `nil` when it passes.
    let rejection: @Sendable (ConfigValue) -> String?

    private init(
        expectation: @escaping @Sendable (ConfigType) -> String,
        rejection: @escaping @Sendable (ConfigValue) -> String?
    ) {
        self.expectation = expectation
        self.rejection = rejection
    }

    /// An `int` or `long` within `[min, max]`; a missing bound is the type's own.
    public static func range(min: Int64? = nil, max: Int64? = nil) -> ConfigValidator {
        if let min, let max { precondition(min <= max, "empty range [\(min), \(max)]") }
        return ConfigValidator(
            expectation: { type in
                let bounds = integerBounds(type, min: min, max: max)
                return "an integer in [\(bounds.lowerBound), \(bounds.upperBound)]"
            },
            rejection: { value in
                guard let number = value.integerValue else { return "not an integer" }
                return integerBounds(value.type, min: min, max: max).contains(number) ? nil : "out of range"
            }
        )
    }

    /// An `int` or `long` of at least `min` (Kafka's `Range.atLeast`).
    public static func atLeast(_ min: Int64) -> ConfigValidator {
        range(min: min)
    }

    /// `-1`, meaning unlimited, or an `int`/`long` of at least `min` (Kafka's retention rule:
    /// "must be unlimited (-1) or, equal or greater than 1"). Any other negative value is refused.
    public static func unlimitedOrAtLeast(_ min: Int64) -> ConfigValidator {
        precondition(min >= 0, "the unlimited sentinel -1 must lie below the range")
        let range = ConfigValidator.range(min: min)
        return ConfigValidator(
            expectation: { type in "-1 (unlimited) or \(range.expectation(type))" },
            rejection: { value in value.integerValue == -1 ? nil : range.rejection(value) }
        )
    }

    /// A `string` equal to one of `options`, case-sensitive (Kafka's `ValidString.in`).
    public static func oneOf(_ options: [String]) -> ConfigValidator {
        precondition(!options.isEmpty, "oneOf needs at least one option")
        return ConfigValidator(
            expectation: { _ in "one of [\(options.joined(separator: ", "))]" },
            rejection: { value in
                guard case .string(let text) = value else { return "not a string" }
                return options.contains(text) ? nil : "not an allowed value"
            }
        )
    }

    /// A `string`, `password` or `list` that is not empty (Kafka's `NonEmptyString`).
    public static let nonEmpty = ConfigValidator(
        expectation: { type in type == .list ? "a non-empty list" : "a non-empty string" },
        rejection: { value in
            switch value {
            case .string(let text), .password(let text): return text.isEmpty ? "empty" : nil
            case .list(let values): return values.isEmpty ? "empty" : nil
            case .int, .long, .double, .boolean: return "not a string"
            }
        }
    )

    /// Any other rule. `expectation` says what is allowed; `check` returns why a value fails
    /// (a short lower-case phrase) or `nil` when it passes. `check` must be pure.
    public static func custom(
        expectation: String, check: @escaping @Sendable (ConfigValue) -> String?
    ) -> ConfigValidator {
        precondition(!expectation.isEmpty, "a custom validator says what it allows")
        return ConfigValidator(expectation: { _ in expectation }, rejection: check)
    }

    private static func integerBounds(_ type: ConfigType, min: Int64?, max: Int64?) -> ClosedRange<Int64> {
        let typeBounds = type.integerBounds ?? Int64.min...Int64.max
        let lower = Swift.max(min ?? typeBounds.lowerBound, typeBounds.lowerBound)
        let upper = Swift.min(max ?? typeBounds.upperBound, typeBounds.upperBound)
        precondition(lower <= upper, "range [\(lower), \(upper)] is empty for type \(type)")
        return lower...upper
    }
}
