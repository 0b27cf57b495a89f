/// A `host:port` that cannot be parsed; `description` names the input and what is wrong with it.
public struct BrokerAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public let input: String
    /// What is wrong, e.g. "no port (expected host:port)".
    public let reason: String

    /// An error for `input`.
    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    /// `invalid bootstrap server 'localhost': no port (expected host:port)`.
    public var description: String { "invalid bootstrap server '\(input)': \(reason)" }
}
