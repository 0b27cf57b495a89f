/// Segment file names: the base offset as 20 zero-padded digits, Kafka's scheme, so `ls` sorts them by offset.
enum SegmentFileName {
    static let logSuffix = ".log"
    static let offsetIndexSuffix = ".index"
    static let timeIndexSuffix = ".timeindex"
    /// Suffix of a file renamed for deletion; whatever carries it at open is removed.
    static let deletedSuffix = ".deleted"
    static let digits = 20

    /// `00000000000000000042` for 42.
    static func stem(baseOffset: Int64) -> String {
        precondition(baseOffset >= 0, "segment base offsets are not negative")
        let text = String(baseOffset)
        return String(repeating: "0", count: digits - text.count) + text
    }

    static func logPath(directory: String, baseOffset: Int64) -> String {
        "\(directory)/\(stem(baseOffset: baseOffset))\(logSuffix)"
    }

    static func offsetIndexPath(directory: String, baseOffset: Int64) -> String {
        "\(directory)/\(stem(baseOffset: baseOffset))\(offsetIndexSuffix)"
    }

    static func timeIndexPath(directory: String, baseOffset: Int64) -> String {
        "\(directory)/\(stem(baseOffset: baseOffset))\(timeIndexSuffix)"
    }

    /// The base offset a file name with `suffix` stands for; nil for any other name.
    static func baseOffset(fileName: String, suffix: String) -> Int64? {
        guard fileName.hasSuffix(suffix) else { return nil }
        let stem = fileName.dropLast(suffix.count)
        guard stem.count == digits, stem.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return Int64(stem)
    }
}
