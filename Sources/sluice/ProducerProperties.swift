import ArgumentParser
import SluiceConfig
import SluiceProducer

/// The producer properties of `sluice produce` and `sluice perf produce`, merged as Kafka's tools merge
/// them (`CommandLineUtils.maybeMergeOptions`): a flag given on the command line wins over a property for
/// the same key (`--linger-ms 7` beats `--producer-property linger.ms=9`); a property wins over a flag's
/// default; the command's defaults fill the rest. Any producer key is accepted; the library validates.
enum ProducerProperties {
    /// `defaults`, then `properties` in order (a later one wins), then `flags` (only those given). Pure.
    static func merge(
        defaults: [String: String], properties: [(key: String, value: String)], flags: [String: String]
    ) -> [String: String] {
        var merged = defaults
        for (key, value) in properties { merged[key] = value }
        for (key, value) in flags { merged[key] = value }
        assert(merged.count >= defaults.count, "merging only adds or replaces keys")
        return merged
    }

    /// Parses `pairs` given to `option` (`key=value` each) and merges them.
    static func merge(
        defaults: [String: String], pairs: [String], option: String, flags: [String: String]
    ) throws -> [String: String] {
        merge(defaults: defaults, properties: try KeyValueParser.parse(pairs, option: option), flags: flags)
    }

    /// Checks `config` as `Producer(config:)` will; a bad key or value is a validation error naming it
    /// (`Invalid value 'abc' for configuration linger.ms: …`).
    static func validate(_ config: [String: String]) throws {
        do {
            _ = try ProducerConfig.parse(config)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
