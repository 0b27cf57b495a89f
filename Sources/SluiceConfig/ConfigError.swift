/// A configuration problem found at start-up: a bad value, an unknown or missing key, an unreadable
/// file or a malformed `--override`.
///
/// It carries the three facts an operator needs (the key, the value and what is allowed) as separate
/// fields, so `sluiced` can print ``description``, exit with 78 (EX_CONFIG) and write the
/// `config_error` journald event with `KEY`, `VALUE` and `PROBLEM` without parsing text.
/// The ``code`` is an opaque struct (as in swift-service-lifecycle's `ServiceRunnerError`), so new
/// codes do not break the API.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public let code: Code
    /// The configuration key at fault (`log.segment.bytes`), or the command-line option
    /// (`--config`, `--override`) when the fault is not in a single key.
    public let key: String
    /// The offending value as written (a password's value is replaced by `[hidden]`); for
    /// `--config` errors the file's path; `nil` when there is no value (a missing required key).
    public let value: String?
    /// What is wrong and what is allowed, for example
    /// `not a number (expected an integer in [14, 2147483647])`.
    public let problem: String

    /// Creates an error; `problem` must say what is wrong, and preferably what is allowed.
    public init(code: Code, key: String, value: String?, problem: String) {
        precondition(!key.isEmpty, "a configuration error names its key")
        precondition(!problem.isEmpty, "a configuration error says what is wrong")
        self.code = code
        self.key = key
        self.value = value
        self.problem = problem
    }

    /// One line for the operator, Kafka's wording:
    /// `Invalid value 'abc' for configuration log.segment.bytes: not a number (expected an integer in [14, 2147483647])`,
    /// or `Invalid configuration node.id: missing required configuration` when there is no value, or
    /// `Invalid configuration log.retension.hours: unknown configuration key (did you mean log.retention.hours?)`.
    public var description: String {
        if code == .unknownKey {
            // Not "Invalid value 'x' for …": the value is not what is wrong, the key's name is.
            return "Invalid configuration \(key): \(problem)"
        }
        guard let value else {
            return "Invalid configuration \(key): \(problem)"
        }
        return "Invalid value '\(value)' for configuration \(key): \(problem)"
    }
}
