/// One metric of the catalogue (observability.md): its exact Prometheus name, type, label names and help.
///
/// The names are public API (dashboards and alerts query them). Every metric is declared on the registry
/// from one of these, always with help text, so `promtool check metrics` accepts the exposition.
public struct MetricDefinition: Sendable, Hashable {
    /// The Prometheus metric type.
    public enum Kind: String, Sendable, Hashable {
        /// Only goes up (or resets with the process); name ends in `_total`.
        case counter
        /// Goes up and down.
        case gauge
        /// Bucketed observations (`_bucket`, `_sum`, `_count` series).
        case histogram
    }

    /// Full metric name, e.g. `sluice_broker_produce_requests_total`.
    public let name: String
    /// Counter, gauge or histogram.
    public let kind: Kind
    /// Label names every series of this metric carries, in order (empty for a single series).
    public let labelNames: [String]
    /// The `# HELP` text.
    public let help: String

    /// A definition; `name` must be a valid Prometheus name and `help` non-empty.
    public init(name: String, kind: Kind, labelNames: [String] = [], help: String) {
        precondition(!help.isEmpty, "metric \(name) without help text")
        precondition(Self.isValidName(name), "invalid metric name \(name)")
        precondition(kind != .counter || name.hasSuffix("_total"), "counter \(name) must end in _total")
        self.name = name
        self.kind = kind
        self.labelNames = labelNames
        self.help = help
    }

    /// A counter: `name` ends in `_total`.
    public static func counter(_ name: String, labels: [String] = [], help: String) -> MetricDefinition {
        MetricDefinition(name: name, kind: .counter, labelNames: labels, help: help)
    }

    /// A gauge.
    public static func gauge(_ name: String, labels: [String] = [], help: String) -> MetricDefinition {
        MetricDefinition(name: name, kind: .gauge, labelNames: labels, help: help)
    }

    /// A histogram: `name` in base units (`_seconds`, `_bytes`) or a count (`_records`).
    public static func histogram(_ name: String, labels: [String] = [], help: String) -> MetricDefinition {
        MetricDefinition(name: name, kind: .histogram, labelNames: labels, help: help)
    }

    /// Prometheus metric names: `[a-zA-Z_:][a-zA-Z0-9_:]*`; Sluice uses snake case only.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        }
    }
}
