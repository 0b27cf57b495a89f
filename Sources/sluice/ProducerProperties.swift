import ArgumentParser

/// The producer settings `perf produce --producer-props` understands, with Kafka's names and defaults
/// (acks=all, batch.size=16384, linger.ms=5). `bootstrap.servers` is accepted too, since every
/// `kafka-producer-perf-test` command line carries it; any other key is an error naming it.
struct ProducerProperties {
    static let recognizedKeys = ["acks", "batch.size", "linger.ms", "bootstrap.servers"]

    /// acks: 0, 1 or -1 (all).
    var acks: Int16 = -1
    /// batch.size.
    var batchSizeBytes = 16_384
    /// linger.ms.
    var lingerMs: Int64 = 5
    /// bootstrap.servers, when given here (it overrides --bootstrap-server).
    var bootstrapServers: String?

    init(parsing pairs: [String]) throws {
        for (key, value) in try KeyValueParser.parse(pairs, option: "--producer-props") {
            switch key {
            case "acks":
                acks = try AcksParser.parse(value, option: "acks")
            case "batch.size":
                guard let bytes = Int(value), bytes >= 1024, bytes <= 64 << 20 else {
                    throw ValidationError(
                        "batch.size must be a number of bytes between 1024 and \(64 << 20), not '\(value)'")
                }
                batchSizeBytes = bytes
            case "linger.ms":
                guard let milliseconds = Int64(value), milliseconds >= 0 else {
                    throw ValidationError("linger.ms must be a non-negative number, not '\(value)'")
                }
                lingerMs = milliseconds
            case "bootstrap.servers":
                bootstrapServers = value
            default:
                let known = Self.recognizedKeys.joined(separator: ", ")
                throw ValidationError("unknown producer property '\(key)' (perf produce understands \(known))")
            }
        }
    }
}
