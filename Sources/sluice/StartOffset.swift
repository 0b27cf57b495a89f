import ArgumentParser

/// Where `sluice consume` starts reading a partition.
enum StartOffset: Equatable {
    case earliest
    case latest
    case exactly(Int64)

    /// Parses `--offset`: a non-negative number, `earliest` or `latest`.
    init(parsing text: String) throws {
        switch text.lowercased() {
        case "earliest": self = .earliest
        case "latest": self = .latest
        default:
            guard let offset = Int64(text), offset >= 0 else {
                throw ValidationError("--offset must be a non-negative number, earliest or latest, not '\(text)'")
            }
            self = .exactly(offset)
        }
    }
}
