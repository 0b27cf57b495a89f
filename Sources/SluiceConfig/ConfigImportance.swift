/// How much an operator should care about a key, as Kafka's `ConfigDef.Importance` ranks them;
/// used to order and mark `--help-config` output.
public enum ConfigImportance: String, Sendable, Hashable, CaseIterable {
    /// Changes durability, availability or addressing; review before production.
    case high
    /// Tuning that matters under load.
    case medium
    /// Rarely changed.
    case low
}
